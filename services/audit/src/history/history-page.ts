/**
 * History for auditors, a page at a time: the whole store in commit order, or one dream's
 * stream in revision order, each event with its metadata (who, why, when).
 *
 * With filters, a page may need to look at many events to find `limit` matches; each call
 * examines at most `scanLimit` events (default 10,000) and may then answer fewer items (even
 * none) with a cursor to go on from. So a call costs a bounded amount however rare the
 * matches, and `nextCursor: null` always means the end was reached.
 *
 * Pass the audited store (with `revealChain` to show the hash chain in the metadata).
 */
import { dreamStreamId } from '@dreamcatcher/domain';
import type { EventStore, RecordedEvent } from '@dreamcatcher/event-store';
import { ValidationError } from '@dreamcatcher/service-kit/errors';
import { decodeCursor, encodeCursor } from './cursor.js';
import { toEventView, type EventView } from './event-view.js';
import { compileFilter, type EventMatch, type HistoryFilter } from './filter.js';

export interface HistoryPageOptions extends HistoryFilter {
  /** The `nextCursor` of the previous page; omitted: from the beginning. */
  after?: string;
  /** Items per page, 1..1000. */
  limit: number;
  /** Events examined per call at most, when filtering (default 10,000). */
  scanLimit?: number;
}

export interface HistoryPage {
  items: EventView[];
  /** Pass as `after` for the next page; null once the end was reached. */
  nextCursor: string | null;
}

export const MAX_HISTORY_LIMIT = 1_000;
const SCAN_PAGE = 500;

/** A page of the whole store's history in commit order. */
export async function readHistoryPage(store: EventStore, options: HistoryPageOptions): Promise<HistoryPage> {
  const after = options.after === undefined ? undefined : decodeCursor(options.after, 'all').after;
  return scan(options, after, async (from, maxCount) => {
    const page = await store.readAll({ ...(from !== undefined && { after: from }), maxCount });
    return { events: page.events, isEnd: page.isEnd, coordinate: (event) => event.position };
  }, (position) => encodeCursor({ scope: 'all', after: position }));
}

/** A page of one dream's history in revision order. */
export async function readDreamHistoryPage(store: EventStore, dreamId: string, options: HistoryPageOptions): Promise<HistoryPage> {
  const streamId = dreamStreamId(dreamId);
  const after = options.after === undefined ? undefined : decodeCursor(options.after, 'stream', streamId).after;
  return scan(options, after, async (from, maxCount) => {
    const events = await store.readStream(streamId, { fromRevision: from === undefined ? 0n : from + 1n, maxCount });
    return { events, isEnd: events.length < maxCount, coordinate: (event) => event.revision };
  }, (revision) => encodeCursor({ scope: 'stream', streamId, after: revision }));
}

interface ScannedPage {
  events: RecordedEvent[];
  isEnd: boolean;
  /** Where an event sits in this history (position or revision): what cursors hold. */
  coordinate: (event: RecordedEvent) => bigint;
}

async function scan(
  options: HistoryPageOptions,
  start: bigint | undefined,
  read: (after: bigint | undefined, maxCount: number) => Promise<ScannedPage>,
  cursorAt: (coordinate: bigint) => string,
): Promise<HistoryPage> {
  const limit = options.limit;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_LIMIT) {
    throw new ValidationError(`limit must be an integer from 1 to ${MAX_HISTORY_LIMIT}`, [{ path: '/limit', message: `must be an integer from 1 to ${MAX_HISTORY_LIMIT}` }]);
  }
  const match: EventMatch | undefined = compileFilter(options);
  const scanLimit = Math.max(options.scanLimit ?? 10_000, limit);
  const items: EventView[] = [];
  let after = start;
  let scanned = 0;
  for (;;) {
    // Unfiltered, every event read is an item: read what the page still needs, and one more
    // to know whether anything follows (it is not examined, so the next page starts with it).
    const maxCount = match ? Math.min(SCAN_PAGE, scanLimit - scanned) : limit - items.length + 1;
    const page = await read(after, maxCount);
    for (const [index, event] of page.events.entries()) {
      scanned++;
      after = page.coordinate(event);
      if (match && !match(event)) continue;
      items.push(toEventView(event));
      if (items.length === limit) {
        const atEnd = page.isEnd && index === page.events.length - 1;
        return { items, nextCursor: atEnd ? null : cursorAt(after) };
      }
    }
    if (page.isEnd || page.events.length === 0) return { items, nextCursor: null };
    if (scanned >= scanLimit) return { items, nextCursor: cursorAt(after!) };
  }
}
