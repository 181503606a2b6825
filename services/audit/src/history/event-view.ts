import { upcastRecorded } from '@dreamcatcher/contracts';
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

/**
 * The envelope's `schemaVersion` and `data` are the current version of the type (as every
 * reader sees them); `metadata` stays as stored, so its `schemaVersion` still says the
 * version the event was written in and the chain fields match what was hashed.
 */
export function toEventView(event: RecordedEvent): EventView {
  const current = upcastRecorded(event);
  return {
    eventId: event.id,
    type: event.type,
    schemaVersion: current.metadata.schemaVersion,
    streamId: event.streamId,
    revision: event.revision.toString(),
    position: event.position.toString(),
    occurredAt: event.metadata.occurredAt,
    data: current.data,
    metadata: event.metadata,
  };
}
