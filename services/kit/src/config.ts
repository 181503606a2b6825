/**
 * Configuration is read once, at a service's entry point, from the environment, and
 * passed down as plain values. Every problem is collected and reported together,
 * each naming its variable, and the service does not start.
 */
import { MIN_SECRET_LENGTH, secretWeakness } from './secrets.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** What NODE_ENV may be, exactly; unset means development. */
export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export class EnvReader {
  readonly problems: string[] = [];
  /**
   * Read strictly: `Production` or `prod` is not taken for development, which would let a
   * production deployment start with development secrets and checks.
   */
  readonly nodeEnv: NodeEnv;

  constructor(readonly env: NodeJS.ProcessEnv = process.env) {
    const value = env.NODE_ENV;
    if (value === undefined || value === '') this.nodeEnv = 'development';
    else if ((NODE_ENVS as readonly string[]).includes(value)) this.nodeEnv = value as NodeEnv;
    else {
      this.problems.push(`NODE_ENV must be exactly one of ${NODE_ENVS.join(', ')}, got "${value}"`);
      this.nodeEnv = 'development';
    }
  }

  get production(): boolean {
    return this.nodeEnv === 'production';
  }

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optional(name: string): string | undefined {
    return this.raw(name);
  }

  int(name: string, fallback: number, { min = -Infinity, max = Infinity } = {}): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max}, got "${value}"`);
      return fallback;
    }
    return parsed;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name} must be true or false, got "${value}"`);
    return fallback;
  }

  url(name: string, fallback: string | undefined, protocols: string[]): string {
    const value = this.raw(name) ?? fallback;
    if (value === undefined) {
      this.problems.push(`${name} is required`);
      return '';
    }
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
        this.problems.push(`${name} must be a ${protocols.join(' or ')} URL, got protocol "${parsed.protocol}"`);
      }
    } catch {
      this.problems.push(`${name} must be a URL`);
    }
    return value;
  }

  oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(values as readonly string[]).includes(value)) {
      this.problems.push(`${name} must be one of ${values.join(', ')}, got "${value}"`);
      return fallback;
    }
    return value as T;
  }

  list(name: string, fallback: string[]): string[] {
    const value = this.raw(name);
    return value === undefined ? fallback : value.split(',').map((item) => item.trim()).filter(Boolean);
  }

  /**
   * A secret. Outside production a development default may stand in; in production it
   * must be set and strong (see secrets.ts).
   */
  secret(name: string, { developmentDefault, minLength = MIN_SECRET_LENGTH }: { developmentDefault?: string; minLength?: number } = {}): string {
    const value = this.raw(name);
    if (!this.production) return value ?? developmentDefault ?? this.missing(name);
    if (value === undefined) return this.missing(name);
    const weakness = secretWeakness(name, value, { minLength, developmentValues: developmentDefault ? [developmentDefault] : [] });
    if (weakness) this.problems.push(weakness);
    return value;
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  private missing(name: string): string {
    this.problems.push(`${name} is required`);
    return '';
  }
}

/** Reads a service's configuration; throws ConfigError listing every problem. */
export function loadConfig<T>(read: (env: EnvReader) => T, env: NodeJS.ProcessEnv = process.env): T {
  const reader = new EnvReader(env);
  const config = read(reader);
  if (reader.problems.length) throw new ConfigError(reader.problems);
  return config;
}

/** Settings every service shares. */
export interface CommonConfig {
  serviceName: string;
  production: boolean;
  logLevel: string;
  databaseUrl: string;
  amqpUrl: string;
  eventStore: 'postgres' | 'esdb';
  eventStoreConnectionString: string | undefined;
  otlpEndpoint: string | undefined;
}

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/dreamcatcher';
export const DEFAULT_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

export function readCommonConfig(env: EnvReader, serviceName: string): CommonConfig {
  const eventStore = env.oneOf('EVENT_STORE', ['postgres', 'esdb'] as const, 'postgres');
  const eventStoreConnectionString = env.optional('EVENTSTORE_CONNECTION_STRING');
  if (eventStore === 'esdb' && !eventStoreConnectionString) {
    env.problem('EVENTSTORE_CONNECTION_STRING is required when EVENT_STORE=esdb');
  }
  return {
    serviceName,
    production: env.production,
    logLevel: env.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    databaseUrl: env.url('DATABASE_URL', DEFAULT_DATABASE_URL, ['postgres', 'postgresql']),
    amqpUrl: env.url('AMQP_URL', DEFAULT_AMQP_URL, ['amqp', 'amqps']),
    eventStore,
    eventStoreConnectionString,
    otlpEndpoint: env.optional('OTEL_EXPORTER_OTLP_ENDPOINT'),
  };
}
