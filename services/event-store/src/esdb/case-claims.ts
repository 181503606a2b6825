/**
 * EventStoreDB keys streams by exact text and has no unique index, so the adapter keeps the
 * PostgreSQL store's rule (append-rules.ts `caseInsensitiveKey`) with a claim stream per
 * lower-cased id: the first spelling to write it owns the id. The claim's event type starts
 * with `$`, so reads of `$all` skip it as a system event and it is never relayed.
 */
import { jsonEvent, NO_STREAM, START, StreamNotFoundError, WrongExpectedVersionError, type EventStoreDBClient } from '@eventstore/db-client';
import { caseInsensitiveKey } from '../append-rules.js';
import type { ExpectedRevision } from '../event-store.js';
import { StreamIdCollisionError } from '../errors.js';

const CLAIM_STREAM_PREFIX = 'stream-id-claim-';
const CLAIM_EVENT = '$stream-id-claimed';

/** Whether an append with this expectation may create its stream (only then is a claim needed). */
function mayCreate(expected: ExpectedRevision): boolean {
  return expected === 'no_stream' || expected === 'any' || expected === -1n;
}

/** Claims `streamId`'s case-insensitive key for this spelling, or throws StreamIdCollisionError when another spelling holds it. */
export async function claimStreamId(client: EventStoreDBClient, streamId: string, expected: ExpectedRevision): Promise<void> {
  const key = caseInsensitiveKey(streamId);
  if (key === undefined || !mayCreate(expected)) return;
  const claimStream = `${CLAIM_STREAM_PREFIX}${key}`;
  try {
    await client.appendToStream(claimStream, jsonEvent({ type: CLAIM_EVENT, data: { streamId } }), { expectedRevision: NO_STREAM });
    return;
  } catch (error) {
    if (!(error instanceof WrongExpectedVersionError)) throw error;
  }
  if ((await claimant(client, claimStream)) !== streamId) throw new StreamIdCollisionError(streamId);
}

async function claimant(client: EventStoreDBClient, claimStream: string): Promise<string | undefined> {
  try {
    for await (const resolved of client.readStream<{ type: string; data: { streamId: string } }>(claimStream, { fromRevision: START, maxCount: 1 })) {
      return resolved.event?.data.streamId;
    }
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
  return undefined;
}
