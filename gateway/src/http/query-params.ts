/** Query string values, checked; every problem is a 400 naming `/query/<name>`. */
import type { Request } from 'express';
import { ValidationError, type Violation } from '@dreamcatcher/service-kit/errors';
import { isUnstorable } from './json-body.js';

export class QueryReader {
  readonly violations: Violation[] = [];
  constructor(private readonly req: Request) {}

  private raw(name: string): string | undefined {
    const value: unknown = this.req.query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      this.violations.push({ path: `/query/${name}`, message: 'must be given once' });
      return undefined;
    }
    return value;
  }

  string(name: string, { max = 200, required = false } = {}): string | undefined {
    const value = this.raw(name);
    if (value === undefined || value === '') {
      if (required) this.violations.push({ path: `/query/${name}`, message: 'is required' });
      return undefined;
    }
    if (value.length > max) this.violations.push({ path: `/query/${name}`, message: `must be at most ${max} characters` });
    // PostgreSQL refuses NUL in text parameters: without this, `?q=%00` fails the query (a 500).
    if (isUnstorable(value)) this.violations.push({ path: `/query/${name}`, message: 'must not contain NUL characters' });
    return value;
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!(values as readonly string[]).includes(value)) this.violations.push({ path: `/query/${name}`, message: `must be one of ${values.join(', ')}` });
    return value as T;
  }

  int(name: string, { fallback, min, max }: { fallback: number; min: number; max: number }): number {
    const value = this.string(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
      this.violations.push({ path: `/query/${name}`, message: `must be an integer from ${min} to ${max}` });
      return fallback;
    }
    return parsed;
  }

  /** A non-negative 64-bit position or revision. */
  position(name: string): bigint | undefined {
    const value = this.string(name, { max: 20 });
    if (value === undefined) return undefined;
    if (!/^\d{1,20}$/.test(value) || BigInt(value) > 2n ** 63n - 1n) {
      this.violations.push({ path: `/query/${name}`, message: 'must be a decimal position' });
      return undefined;
    }
    return BigInt(value);
  }

  /** Throws a 400 listing every problem found so far. */
  done(): void {
    if (this.violations.length) throw new ValidationError('Invalid query parameters', this.violations);
  }
}
