/** How `tail` shows an event: one line for people, or the AMQP envelope as one JSON line. */
import type { RecordedEvent } from '@dreamcatcher/event-store';
import { toJson } from '../context.js';

/** `<position>  <occurredAt>  <type>  <stream>@<revision>  <event id>  user <userId>` */
export function eventLine(event: RecordedEvent): string {
  const occurredAt = typeof event.metadata.occurredAt === 'string' ? event.metadata.occurredAt : '-';
  return `${event.position}  ${occurredAt}  ${event.type}  ${event.streamId}@${event.revision}  ${event.id}  user ${event.metadata.userId ?? '-'}`;
}

/** The event envelope of the AMQP contract (positions and revisions as decimal strings), as one line. */
export function eventJson(event: RecordedEvent): string {
  return toJson({
    eventId: event.id,
    type: event.type,
    schemaVersion: event.metadata.schemaVersion,
    streamId: event.streamId,
    revision: event.revision,
    position: event.position,
    occurredAt: event.metadata.occurredAt,
    data: event.data,
    metadata: event.metadata,
  });
}

/** Whether `type` passes the `--type` filter (none: everything). */
export function typeFilter(types: readonly string[]): (type: string) => boolean {
  const wanted = new Set(types.flatMap((type) => type.split(',')).map((type) => type.trim()).filter(Boolean));
  return (type) => wanted.size === 0 || wanted.has(type);
}
