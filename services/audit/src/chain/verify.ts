/**
 * Verifying history: recomputing the hash chains from the raw stored events (ciphertext
 * and all, so no key is needed and erasure changes nothing) and reporting the first link
 * that does not hold.
 */
import type { HistoryVerification } from '@dreamcatcher/contracts';
import { dreamStreamId } from '@dreamcatcher/domain';
import type { EventStore } from '@dreamcatcher/event-store';
import { rawStoreOf } from '../audited-store.js';
import { ChainCheck, type BrokenLink, type StreamVerification } from './chain-check.js';

export { verifyStream, type BrokenLink, type BrokenLinkReason, type StreamVerification } from './chain-check.js';

const PAGE = 1_000;

export interface DreamVerification extends StreamVerification {
  dreamId: string;
  streamId: string;
  /** Revision of the last event checked (decimal string); null for a stream without events. */
  headRevision: string | null;
}

/**
 * Verifies one dream's stream, a page at a time. Reads the raw store under an audited one.
 * A removed tail (the last events deleted) leaves no broken link behind: the chain proves
 * what is there, not that nothing came after it.
 */
export async function verifyDream(store: EventStore, dreamId: string): Promise<DreamVerification> {
  const raw = rawStoreOf(store);
  const streamId = dreamStreamId(dreamId);
  const check = new ChainCheck(streamId);
  let headRevision: string | null = null;
  for (let from = 0n; ; ) {
    const page = await raw.readStream(streamId, { fromRevision: from, maxCount: PAGE });
    for (const event of page) {
      check.check(event);
      headRevision = event.revision.toString();
    }
    if (page.length < PAGE) break;
    from = page.at(-1)!.revision + 1n;
  }
  return { dreamId, streamId, ...check.result(), headRevision };
}

/** A dream's verification as `contracts/http/HistoryVerification.v1` has it (what the gateway answers). */
export function toHistoryVerification(result: DreamVerification): HistoryVerification {
  const broken = result.firstBroken;
  return {
    dreamId: result.dreamId,
    intact: result.ok,
    eventCount: result.checked,
    headRevision: result.headRevision,
    firstBrokenRevision: broken?.revision ?? null,
    reason: broken ? `${broken.reason} at event ${broken.eventId} (position ${broken.position}): ${broken.detail}` : null,
  };
}

export interface VerifyAllProgress {
  checked: number;
  streams: number;
  /** Position of the last event checked (decimal string). */
  position: string;
  /** The store's head when verification began: where it will stop. */
  head: string;
}

export interface VerifyAllOptions {
  /** Called after each page. */
  onProgress?: (progress: VerifyAllProgress) => void;
  /** Events per page (default 1,000). */
  pageSize?: number;
  /** Stop early; the result then covers what was checked. */
  signal?: AbortSignal;
  /** At most this many broken streams are listed in `broken` (default 100); all are counted. */
  maxListed?: number;
}

export interface StoreVerification {
  ok: boolean;
  checked: number;
  streams: number;
  /** The first broken link in commit order, if any. */
  firstBroken?: BrokenLink;
  /** The first broken link of each broken stream, in commit order (up to `maxListed`). */
  broken: BrokenLink[];
  brokenStreams: number;
  /** Position of the last event checked; null for an empty store. */
  lastPosition: string | null;
}

/**
 * Verifies every stream over the global order (`readAll` of the raw store), up to the head
 * as it was when verification began. Memory grows with the number of streams (one small
 * entry each), not with the number of events.
 */
export async function verifyAll(store: EventStore, options: VerifyAllOptions = {}): Promise<StoreVerification> {
  const raw = rawStoreOf(store);
  const head = await raw.headPosition();
  const pageSize = options.pageSize ?? PAGE;
  const maxListed = options.maxListed ?? 100;
  const checks = new Map<string, ChainCheck>();
  const broken: BrokenLink[] = [];
  let brokenStreams = 0;
  let checked = 0;
  let after: bigint | undefined;
  let done = head === 0n;
  while (!done && !options.signal?.aborted) {
    const page = await raw.readAll({ ...(after !== undefined && { after }), maxCount: pageSize });
    for (const event of page.events) {
      if (event.position > head) {
        done = true;
        break;
      }
      let check = checks.get(event.streamId);
      if (!check) checks.set(event.streamId, (check = new ChainCheck(event.streamId)));
      const link = check.check(event);
      checked++;
      after = event.position;
      if (link) {
        brokenStreams++;
        if (broken.length < maxListed) broken.push(link);
      }
    }
    if (page.isEnd || page.events.length === 0) done = true;
    options.onProgress?.({ checked, streams: checks.size, position: (after ?? 0n).toString(), head: head.toString() });
  }
  return {
    ok: brokenStreams === 0,
    checked,
    streams: checks.size,
    ...(broken[0] && { firstBroken: broken[0] }),
    broken,
    brokenStreams,
    lastPosition: after === undefined ? null : after.toString(),
  };
}
