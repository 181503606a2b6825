/**
 * Translations between our event store contract and EventStoreDB's client (6.x, gRPC).
 *
 * Revisions: both are zero-based with "no stream" before the first event; ours is -1n or
 * 'no_stream', ESDB's is NO_STREAM. 'any' and 'stream_exists' map one to one.
 *
 * Positions: an ESDB log position is a (commit, prepare) pair. Events written through the
 * gRPC API are implicit single-record transactions whose commit and prepare positions are
 * both the event's own log position, so our single bigint is the commit position, and a
 * position we hand back is read as { commit: p, prepare: p }. (Explicit multi-request
 * transactions of the retired TCP API share one commit position between their events;
 * stores holding such history need the pair and are not supported.) Positions of events
 * read from a stream (not `$all`) come back only from servers 22.6 and later; older
 * servers send none or 2^64-1, which we report as -1n.
 *
 * System events (types starting with `$`: tombstones, metadata, links, statistics) are
 * not ours and never leave this adapter.
 */
import {
  ANY,
  MaxAppendSizeExceededError,
  NO_STREAM,
  STREAM_EXISTS,
  StreamDeletedError as EsdbStreamDeletedError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type JSONEventData,
  type JSONType,
  type Position,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import { PayloadTooLargeError } from '@dreamcatcher/service-kit/errors';
import type { EventMetadata, EventToAppend, ExpectedRevision, RecordedEvent } from '../event-store.js';
import { StreamDeletedError, WrongExpectedRevisionError } from '../errors.js';

const MAX_INT64 = 2n ** 63n - 1n;

export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream' || expected === -1n) return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  return expected;
}

export function toEsdbPosition(position: bigint): Position {
  return { commit: position, prepare: position };
}

export function fromEsdbPosition(position: Position | undefined): bigint {
  if (!position || position.commit < 0n || position.commit > MAX_INT64) return -1n;
  return position.commit;
}

export function toEventData(event: EventToAppend): JSONEventData {
  return {
    id: event.id,
    contentType: 'application/json',
    type: event.type,
    // The client JSON-encodes data of any shape; its type only names the common ones.
    data: (event.data ?? null) as JSONType,
    metadata: event.metadata as unknown as JSONType,
  };
}

/** Whether ESDB's `excludeSystemEvents()` would drop this event (or it lives in a system stream). */
export function isSystemEvent(event: { type: string; streamId: string }): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

export function fromEsdbEvent(event: EsdbRecordedEvent): RecordedEvent {
  return {
    id: event.id,
    type: event.type,
    // This adapter writes JSON only; binary events written by other tools come back base64-encoded.
    data: event.isJson ? event.data : Buffer.from(event.data as Uint8Array).toString('base64'),
    metadata: (isPlainObject(event.metadata) ? event.metadata : {}) as EventMetadata,
    streamId: event.streamId,
    revision: event.revision,
    position: fromEsdbPosition(event.position),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** ESDB's errors as ours; anything else passes through unchanged. */
export function fromEsdbError(error: unknown, streamId: string, expected: ExpectedRevision): unknown {
  if (error instanceof WrongExpectedVersionError) {
    const actual = error.actualVersion === NO_STREAM ? -1n : (error.actualVersion as bigint);
    return new WrongExpectedRevisionError(streamId, expected, actual);
  }
  if (error instanceof EsdbStreamDeletedError) return new StreamDeletedError(streamId);
  if (error instanceof MaxAppendSizeExceededError) {
    return new PayloadTooLargeError(`Append to ${streamId} exceeds EventStoreDB's maximum append size (${error.maxAppendSize} bytes)`);
  }
  return error;
}
