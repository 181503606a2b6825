/**
 * Builds projections from the event store (readAll, in commit order) into a schema,
 * committing one transaction per page so that no long transaction holds back readers of
 * the store's global order. The next page is read while the current one is applied.
 */
import type pg from 'pg';
import { inTransaction } from '@dreamcatcher/service-kit';
import type { EventStore } from '@dreamcatcher/event-store';
import { applyBatch, type StreamReader } from '../runtime/apply-batch.js';
import { fromRecorded, type ProjectionEvent } from '../runtime/events.js';
import type { Projection } from '../runtime/projection.js';

/** Events per page: large pages mean fewer rewrites of busy rows; each page is still one short transaction per projection. */
export const DEFAULT_PAGE_SIZE = 10_000;

export type RebuildStore = Pick<EventStore, 'readAll' | 'readStream' | 'headPosition'>;

export interface Progress {
  /** Position of the last event applied. */
  position: bigint;
  /** The store's head when the build started. */
  head: bigint;
  events: number;
}

export interface BuildRange {
  /** Exclusive start, per projection (undefined: from the beginning). */
  after: Map<string, bigint | undefined>;
  /** Inclusive end, per projection (undefined: to the end of the store). */
  until: Map<string, bigint | undefined>;
}

export function storeReader(store: Pick<EventStore, 'readStream'>): StreamReader {
  return async (streamId, fromRevision, maxCount) => (await store.readStream(streamId, { fromRevision, maxCount })).map(fromRecorded);
}

async function* pages(store: RebuildStore, after: bigint | undefined, pageSize: number, until: bigint | undefined): AsyncGenerator<ProjectionEvent[]> {
  let next = store.readAll({ ...(after !== undefined && { after }), maxCount: pageSize });
  for (;;) {
    const page = await next;
    const events = page.events.map(fromRecorded).filter((event) => until === undefined || event.position <= until);
    const done = page.isEnd || events.length < page.events.length || page.lastPosition === undefined;
    if (!done) next = store.readAll({ after: page.lastPosition!, maxCount: pageSize });
    if (events.length) yield events;
    if (done) return;
  }
}

/** Applies the events in each projection's range to its tables in `schema`; returns the last position read. */
export async function buildInto(
  pool: pg.Pool,
  store: RebuildStore,
  projections: Projection[],
  schema: string,
  range: BuildRange,
  { pageSize = DEFAULT_PAGE_SIZE, onProgress }: { pageSize?: number; onProgress?: (progress: Progress) => void } = {},
): Promise<{ position: bigint | undefined; events: number }> {
  const starts = projections.map((projection) => range.after.get(projection.name));
  const from = starts.some((start) => start === undefined) ? undefined : starts.reduce((a, b) => (a! < b! ? a : b));
  const ends = projections.map((projection) => range.until.get(projection.name));
  const to = ends.some((end) => end === undefined) ? undefined : ends.reduce((a, b) => (a! > b! ? a : b));
  const head = await store.headPosition();
  const readStream = storeReader(store);
  let position: bigint | undefined;
  let events = 0;
  for await (const page of pages(store, from, pageSize, to)) {
    // Projections own disjoint tables: each applies the page in its own transaction, all at
    // once, so PostgreSQL works on one while this process prepares the next.
    await Promise.all(
      projections.map((projection) => {
        const after = range.after.get(projection.name);
        const until = range.until.get(projection.name);
        const mine = page.filter((event) => (after === undefined || event.position > after) && (until === undefined || event.position <= until));
        return inTransaction(pool, async (client) => {
          // A rebuild can always be run again, so its commits need not wait for the disk.
          await client.query('SET LOCAL synchronous_commit = off');
          return applyBatch(client, projection, mine, { schema, readStream, notify: false });
        });
      }),
    );
    position = page.at(-1)!.position;
    events += page.length;
    onProgress?.({ position, head, events });
  }
  return { position, events };
}
