/**
 * Time travel: a dream as it was at a past revision or instant, folded from its events
 * with the domain's own `evolve` — the function the write side decides with — so the
 * past state is exactly what a command would have been judged against then.
 *
 * "At an instant" is the longest prefix of the stream whose events all occurred at or
 * before it: folding stops at the first event that occurred later. A stream is a sequence,
 * and only its prefixes are states it was ever in (clock skew between writers could
 * otherwise stitch together a state that never existed).
 *
 * Pass the audited store to see personal fields decrypted (or, after erasure, as
 * placeholders); the raw store would fold ciphertext.
 */
import { upcastRecorded } from '@dreamcatcher/contracts';
import { dreamStreamId, evolve, initialState, type Dream, type RecordedDreamEvent } from '@dreamcatcher/domain';
import type { EventStore, RecordedEvent } from '@dreamcatcher/event-store';
import { ValidationError } from '@dreamcatcher/service-kit/errors';

export type PointInHistory = { revision: bigint } | { at: string | Date };

/** The shape of `contracts/http/DreamStateAt.v1`. */
export interface DreamStateAt {
  dreamId: string;
  /** The last revision folded in (decimal string). */
  revision: string;
  occurredAt: string | null;
  state: Dream;
}

const PAGE = 500;

/**
 * The dream at `point`; undefined when it had no events by then (it did not exist yet, or
 * never). A revision past the stream's end gives the latest state, and says its revision.
 */
export async function dreamStateAt(store: EventStore, dreamId: string, point: PointInHistory): Promise<DreamStateAt | undefined> {
  const includes = inclusionOf(point);
  const streamId = dreamStreamId(dreamId);
  let state = initialState();
  let last: RecordedEvent | undefined;
  for (let from = 0n; ; ) {
    const maxCount = 'revision' in point ? Math.min(PAGE, Number(point.revision - from + 1n)) : PAGE;
    if (maxCount <= 0) break;
    const page = await store.readStream(streamId, { fromRevision: from, maxCount });
    let stopped = false;
    for (const event of page) {
      if (!includes(event)) {
        stopped = true;
        break;
      }
      const current = upcastRecorded(event);
      state = evolve(state, { type: current.type, data: current.data, metadata: current.metadata } as RecordedDreamEvent);
      last = event;
    }
    if (stopped || page.length < maxCount) break;
    from = page.at(-1)!.revision + 1n;
  }
  if (!last) return undefined;
  return { dreamId, revision: last.revision.toString(), occurredAt: last.metadata.occurredAt ?? null, state };
}

function inclusionOf(point: PointInHistory): (event: RecordedEvent) => boolean {
  if ('revision' in point) {
    if (point.revision < 0n) throw new ValidationError('revision must be 0 or more', [{ path: '/revision', message: 'must be 0 or more' }]);
    return (event) => event.revision <= point.revision;
  }
  const at = point.at instanceof Date ? point.at.getTime() : Date.parse(point.at);
  if (Number.isNaN(at)) throw new ValidationError('at must be a date-time', [{ path: '/at', message: 'must be a date-time' }]);
  return (event) => Date.parse(event.metadata.occurredAt) <= at;
}
