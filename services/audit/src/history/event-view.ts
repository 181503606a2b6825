import type { RecordedEvent } from '@dreamcatcher/event-store';

/**
 * An event as history shows it: the envelope of the AMQP contract
 * (`contracts/envelope/EventEnvelope.v1`), revisions and positions as decimal strings.
 */
export interface EventView {
  eventId: string;
  type: string;
  schemaVersion: number;
  streamId: string;
  revision: string;
  position: string;
  occurredAt: string;
  data: unknown;
  /** Who (userId), why (correlationId, causationId), when (occurredAt), and the chain when revealed. */
  metadata: Record<string, unknown>;
}

export function toEventView(event: RecordedEvent): EventView {
  return {
    eventId: event.id,
    type: event.type,
    schemaVersion: event.metadata.schemaVersion,
    streamId: event.streamId,
    revision: event.revision.toString(),
    position: event.position.toString(),
    occurredAt: event.metadata.occurredAt,
    data: event.data,
    metadata: event.metadata,
  };
}
