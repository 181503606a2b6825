/**
 * A projector never moves a dream's rows to another stream's owner.
 *
 * Read models key a dream by its id as a `uuid`, which ignores case, while the event store
 * keys streams by text: `dream-<ID>` in upper case is another stream (possibly another
 * user's) for the same rows. The store now refuses such a second spelling and ids enter
 * canonical, but a projector must not trust that history holds none: once the canonical
 * stream `dream-<id>` has been projected, an event of any other spelling is refused as
 * foreign, never applied, and dead-lettered by the consumer (kind `foreign_stream`).
 */
import { dreamIdOfStream, dreamStreamOf } from './events.js';

/** An event of a stream that names, in another spelling, a dream another stream holds. */
export class ForeignStreamError extends Error {
  override name = 'ForeignStreamError';
  readonly kind = 'foreign_stream';
  constructor(
    readonly streamId: string,
    readonly holder: string,
  ) {
    super(`Stream ${streamId} names dream ${dreamIdOfStream(streamId)} that stream ${holder} holds; its events are refused`);
  }
}

/** The canonical stream of a dream stream spelt otherwise, or undefined when `streamId` is canonical or no dream stream. */
export function canonicalSpelling(streamId: string): string | undefined {
  const dreamId = dreamIdOfStream(streamId);
  if (dreamId === undefined) return undefined;
  const canonical = dreamStreamOf(dreamId);
  return canonical === streamId ? undefined : canonical;
}

/** The streams whose trackers the guard needs besides the batch's own: the canonical spellings. */
export function spellingsToCheck(streamIds: Iterable<string>): string[] {
  return [...new Set([...streamIds].map(canonicalSpelling).filter((id): id is string => id !== undefined))];
}

/**
 * Throws ForeignStreamError for the first stream of the batch that is another spelling of a
 * dream whose canonical stream was already projected (`trackers`) or is in this batch.
 */
export function refuseForeignStreams(streamIds: Iterable<string>, trackers: ReadonlyMap<string, bigint>): void {
  const inBatch = new Set(streamIds);
  for (const streamId of inBatch) {
    const canonical = canonicalSpelling(streamId);
    if (canonical !== undefined && (trackers.has(canonical) || inBatch.has(canonical))) throw new ForeignStreamError(streamId, canonical);
  }
}
