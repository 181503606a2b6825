import type { ProjectionEvent } from '../runtime/events.js';

/** When an event happened: read models take time from events, never from the clock, so a rebuild reproduces them exactly. */
export function occurredAt(event: ProjectionEvent): string {
  return event.metadata.occurredAt;
}

/** A timestamp from PostgreSQL or an event as ISO 8601 (UTC, milliseconds), or null. */
export function iso(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
}
