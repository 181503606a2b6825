/**
 * The one shape projections see, whether an event came from the broker (an envelope with
 * decimal-string coordinates) or from the event store (a rebuild or a gap refetch).
 */
import type { EventDataByType } from '@dreamcatcher/contracts';
import { canonicalId, isUuid, upcastRecorded } from '@dreamcatcher/contracts';
import type { EventMetadata, RecordedEvent } from '@dreamcatcher/event-store';

export type EventType = keyof EventDataByType;

export interface ProjectionEvent<T extends string = string, D = unknown> {
  eventId: string;
  type: T;
  data: D;
  metadata: EventMetadata;
  streamId: string;
  revision: bigint;
  position: bigint;
}

/** A dream event, discriminated by `type` so that `data` is typed in each case. */
export type DreamEvent = { [K in EventType]: ProjectionEvent<K, EventDataByType[K]> }[EventType];

export class EnvelopeError extends Error {
  override name = 'EnvelopeError';
}

const DECIMAL = /^(0|[1-9][0-9]{0,18})$/;

function coordinate(value: unknown, field: string): bigint {
  if (typeof value !== 'string' || !DECIMAL.test(value)) throw new EnvelopeError(`envelope ${field} must be a decimal string, got ${JSON.stringify(value)}`);
  return BigInt(value);
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new EnvelopeError(`envelope ${field} must be a non-empty string`);
  return value;
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new EnvelopeError(`envelope ${field} must be an object`);
  return value as Record<string, unknown>;
}

/** Decodes an AMQP message body (the event envelope); throws EnvelopeError when it is not one. */
export function decodeEnvelope(body: Buffer | string): ProjectionEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch (error) {
    throw new EnvelopeError(`message body is not JSON: ${(error as Error).message}`);
  }
  const envelope = object(parsed, 'body');
  // Projections read every event in the current version of its type, whatever version it was stored in.
  return upcastRecorded({
    eventId: text(envelope.eventId, 'eventId'),
    type: text(envelope.type, 'type'),
    data: object(envelope.data, 'data'),
    metadata: object(envelope.metadata, 'metadata') as unknown as EventMetadata,
    streamId: text(envelope.streamId, 'streamId'),
    revision: coordinate(envelope.revision, 'revision'),
    position: coordinate(envelope.position, 'position'),
  });
}

export function fromRecorded(event: RecordedEvent): ProjectionEvent {
  const { id, type, data, metadata, streamId, revision, position } = event;
  return upcastRecorded({ eventId: id, type, data, metadata, streamId, revision, position });
}

/** The envelope the relay publishes for an event (tests and the dead-letter tool build it too). */
export function toEnvelope(event: ProjectionEvent): Record<string, unknown> {
  return {
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.metadata.schemaVersion ?? 1,
    streamId: event.streamId,
    revision: event.revision.toString(),
    position: event.position.toString(),
    occurredAt: event.metadata.occurredAt,
    data: event.data,
    metadata: event.metadata,
  };
}

const DREAM_STREAM_PREFIX = 'dream-';

/** The dream id (canonical) of a `dream-<uuid>` stream, or undefined for any other stream. */
export function dreamIdOfStream(streamId: string): string | undefined {
  if (!streamId.startsWith(DREAM_STREAM_PREFIX)) return undefined;
  const id = streamId.slice(DREAM_STREAM_PREFIX.length);
  return isUuid(id) ? canonicalId(id) : undefined;
}

/** The stream of a dream as the command service names it (the id canonical). */
export function dreamStreamOf(dreamId: string): string {
  return `${DREAM_STREAM_PREFIX}${canonicalId(dreamId)}`;
}
