/**
 * The hash chain over a stream's events, as pure functions.
 *
 * Each event's `metadata.hash` is SHA-256 (hex) over the canonical JSON (RFC 8785) of
 *
 *     { eventId, streamId, revision, type, data, metadata without `hash` }
 *
 * and its `metadata.previousHash` is the `hash` of the event before it in the stream. Since
 * `previousHash` sits inside the hashed metadata, every hash commits to the whole history of
 * its stream before it: altering, removing or reordering any event breaks the link after it.
 *
 * - The revision (as a decimal string) is hashed, so an event cannot be moved within its
 *   stream; the stream id is hashed, so it cannot be moved to another stream.
 * - The event id is hashed too: consumers de-duplicate by it, so swapping it would silently
 *   turn one event into a "repeat" of another.
 * - The store position is not hashed: the store assigns it at commit, after the hash is
 *   made. Global order is the store's to keep; the chain guards each stream.
 * - The first event (revision 0) chains to `sha256("dreamcatcher:" + streamId)` rather than to
 *   nothing: every event then has a real predecessor hash and one rule checks them all, the
 *   genesis is bound to its stream (a chain cannot be grafted onto another stream's start),
 *   and the prefix separates these hashes from any other SHA-256 use.
 * - Values are hashed in their JSON form (what the store keeps and returns), so a Date in
 *   `data` hashes as its ISO string, exactly as it will read back.
 */
import { createHash } from 'node:crypto';
import type { EventToAppend, RecordedEvent } from '@dreamcatcher/event-store';
import { canonicalJson } from './canonical-json.js';

/** The metadata fields the chain owns; writers' values for them are replaced. */
export const CHAIN_FIELDS = ['hash', 'previousHash'] as const;

/** What a hash covers: an event with its place in its stream. */
export interface HashedEvent {
  id: string;
  streamId: string;
  revision: bigint;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The hash the first event of a stream chains to. */
export function genesisHash(streamId: string): string {
  return sha256Hex(`dreamcatcher:${streamId}`);
}

/** The hash of an event: over its id, stream, revision, type, data and metadata except `hash`. */
export function hashEvent(event: HashedEvent): string {
  const { hash: _ignored, ...metadata } = event.metadata;
  const covered = {
    eventId: event.id.toLowerCase(),
    streamId: event.streamId,
    revision: event.revision.toString(10),
    type: event.type,
    // The JSON round trip gives the form the store keeps (undefined members gone, Dates as strings).
    data: asStored(event.data ?? null),
    metadata: asStored(metadata),
  };
  return sha256Hex(canonicalJson(covered));
}

function asStored(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/** Where a stream ends before an append: its last revision (-1n for none) and that event's hash. */
export interface ChainTail {
  revision: bigint;
  hash: string;
}

/** The tail of an empty stream. */
export function emptyTail(streamId: string): ChainTail {
  return { revision: -1n, hash: genesisHash(streamId) };
}

/**
 * The hash a successor of `event` chains to: its recorded `hash`, or — for an event stored
 * before the chain existed — the hash of its content, so that the link still commits to it.
 */
export function linkHashOf(event: RecordedEvent): string {
  const hash = event.metadata.hash;
  return typeof hash === 'string' ? hash : hashEvent(event);
}

/** The events with `previousHash` and `hash` set for revisions following `tail`. */
export function chainEvents(streamId: string, tail: ChainTail, events: readonly EventToAppend[]): EventToAppend[] {
  let previousHash = tail.hash;
  return events.map((event, index) => {
    const { hash: _hash, previousHash: _previous, ...own } = event.metadata;
    const metadata = { ...own, previousHash } as EventToAppend['metadata'];
    const hash = hashEvent({ id: event.id, streamId, revision: tail.revision + 1n + BigInt(index), type: event.type, data: event.data, metadata });
    previousHash = hash;
    return { ...event, metadata: { ...metadata, hash } };
  });
}

/** The metadata without the chain's fields (what writers gave). */
export function withoutChain<M extends Record<string, unknown>>(metadata: M): M {
  if (!('hash' in metadata) && !('previousHash' in metadata)) return metadata;
  const { hash: _hash, previousHash: _previous, ...rest } = metadata;
  return rest as M;
}
