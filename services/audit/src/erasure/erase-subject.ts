/**
 * Erasing a person's data on request (GDPR art. 17) by crypto-shredding: their data key is
 * destroyed, which makes every personal field they are the subject of unreadable wherever
 * it was copied, while the events themselves — and so every hash chain — stay untouched.
 *
 * Then `UserDataErased { userId }` is appended to stream `user-<userId>` (routing key
 * `dream.user-data-erased.v1`), so that projections drop the rows they keep in clear.
 * The event's id is derived from the subject, so that running the erasure again (after a
 * crash between the two steps, or twice by mistake) appends nothing twice.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { EventStore } from '@dreamcatcher/event-store';
import type { DataKeys, Erasure } from '../keys/data-keys.js';

export const USER_DATA_ERASED = 'UserDataErased';

/** The stream of events about a user (not about one of their dreams). */
export function userStreamId(userId: string): string {
  return `user-${userId}`;
}

export interface EraseOptions {
  /** Who asked for the erasure (the admin, or the user themself): the event's `metadata.userId`. */
  actor: string;
  correlationId?: string;
  /** The id of the request or command that caused the erasure (default: a new id). */
  causationId?: string;
  /** When (default: now). */
  occurredAt?: string;
}

export interface ErasureResult extends Erasure {
  streamId: string;
  eventId: string;
  /** Of the `UserDataErased` event, as decimal strings. */
  revision: string;
  position: string;
}

/** The id of the `UserDataErased` event of a subject: a UUID (version 8) from a SHA-256 of the subject id. */
export function erasureEventId(subjectId: string): string {
  const bytes = createHash('sha256').update(`dreamcatcher:${USER_DATA_ERASED}:${subjectId}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Destroys the subject's data key, then records the erasure as an event. Safe to repeat. */
export async function eraseSubject(store: EventStore, keys: DataKeys, subjectId: string, options: EraseOptions): Promise<ErasureResult> {
  if (!subjectId) throw new RangeError('the subject id to erase is empty');
  return recordErasure(store, await keys.erase(subjectId), options);
}

/**
 * As `eraseSubject`, for a subject the keys know (who stored personal data, or was erased
 * before); undefined, with nothing destroyed, recorded or blocked, for any other id.
 */
export async function eraseKnownSubject(store: EventStore, keys: DataKeys, subjectId: string, options: EraseOptions): Promise<ErasureResult | undefined> {
  if (!subjectId) throw new RangeError('the subject id to erase is empty');
  const erasure = await keys.eraseIfKnown(subjectId);
  return erasure && recordErasure(store, erasure, options);
}

async function recordErasure(store: EventStore, erasure: Erasure, options: EraseOptions): Promise<ErasureResult> {
  const { subjectId } = erasure;
  const streamId = userStreamId(subjectId);
  const eventId = erasureEventId(subjectId);
  const correlationId = options.correlationId ?? randomUUID();
  const appended = await store.appendToStream(
    streamId,
    [
      {
        id: eventId,
        type: USER_DATA_ERASED,
        data: { userId: subjectId },
        metadata: {
          userId: options.actor,
          subjectId,
          correlationId,
          causationId: options.causationId ?? correlationId,
          occurredAt: options.occurredAt ?? new Date().toISOString(),
          schemaVersion: 1,
        },
      },
    ],
    // With the derived id, a repeated erasure is an idempotent repeat of the first append.
    { expectedRevision: 'no_stream' },
  );
  const event = appended.events[0]!;
  return { ...erasure, streamId, eventId, revision: event.revision.toString(), position: event.position.toString() };
}
