import type { RecordedEvent } from '@dreamcatcher/event-store';

/** An event as history and audit queries show it (the envelope of the AMQP contract). */
export interface EventView {
  eventId: string;
  type: string;
  schemaVersion: number;
  streamId: string;
  revision: string;
  position: string;
  occurredAt: string;
  data: unknown;
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

/** The owner a dream's first event names (`DreamCreated` / `DreamImported` carry `ownerId`). */
export function ownerOf(first: RecordedEvent | undefined): string | undefined {
  const ownerId = (first?.data as { ownerId?: unknown } | undefined)?.ownerId;
  return typeof ownerId === 'string' ? ownerId : undefined;
}
