/**
 * Filters of history reads (pure): by event type, by the user who caused the event
 * (`metadata.userId`), and by when it occurred (`metadata.occurredAt`, `from` inclusive,
 * `to` exclusive). Invalid filters are a ValidationError naming the field.
 */
import type { RecordedEvent } from '@dreamcatcher/event-store';
import { ValidationError, type Violation } from '@dreamcatcher/service-kit/errors';

export interface HistoryFilter {
  /** Only these event types. */
  types?: readonly string[];
  /** Only events caused by this user. */
  userId?: string;
  /** Only events that occurred at or after this instant. */
  from?: string | Date;
  /** Only events that occurred before this instant. */
  to?: string | Date;
}

export type EventMatch = (event: RecordedEvent) => boolean;

/** The filter as a predicate; undefined when it lets everything through. */
export function compileFilter(filter: HistoryFilter): EventMatch | undefined {
  const violations: Violation[] = [];
  const from = instant(filter.from, 'from', violations);
  const to = instant(filter.to, 'to', violations);
  if (from !== undefined && to !== undefined && from > to) violations.push({ path: '/to', message: 'must not be before from' });
  if (filter.types !== undefined && (!Array.isArray(filter.types) || filter.types.some((type) => typeof type !== 'string' || type === ''))) {
    violations.push({ path: '/types', message: 'must be a list of event types' });
  }
  if (filter.userId !== undefined && (typeof filter.userId !== 'string' || filter.userId === '')) violations.push({ path: '/userId', message: 'must be a non-empty string' });
  if (violations.length) throw new ValidationError('Invalid history filter', violations);

  const checks: EventMatch[] = [];
  if (filter.types?.length) {
    const types = new Set(filter.types);
    checks.push((event) => types.has(event.type));
  }
  if (filter.userId !== undefined) checks.push((event) => event.metadata.userId === filter.userId);
  if (from !== undefined || to !== undefined) {
    checks.push((event) => {
      const at = Date.parse(event.metadata.occurredAt);
      return (from === undefined || at >= from) && (to === undefined || at < to);
    });
  }
  if (checks.length === 0) return undefined;
  return (event) => checks.every((check) => check(event));
}

function instant(value: string | Date | undefined, field: string, violations: Violation[]): number | undefined {
  if (value === undefined) return undefined;
  const at = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(at)) violations.push({ path: `/${field}`, message: 'must be a date-time' });
  return at;
}
