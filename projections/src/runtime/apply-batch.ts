/**
 * Applies a batch of events to one projection inside the caller's transaction, exactly
 * once in effect:
 * - each stream's events are applied in revision order; one at or below the revision the
 *   stream tracker remembers is a repeat and changes nothing;
 * - one that skips ahead is not applied blindly: the missing revisions are read from the
 *   event store and applied first, except those this projection dead-lettered (holes.ts);
 * - the trackers, the read model changes and the checkpoint are written together, so a
 *   crash before commit leaves nothing behind and the redelivery starts clean;
 * - whatever is applied is applied in commit order, as a rebuild applies it;
 * - a stream that spells another stream's dream id otherwise is refused (owner-guard.ts).
 */
import type pg from 'pg';
import { advanceCheckpoint } from './checkpoints.js';
import { forgetUser, isErasure } from './erasure.js';
import { holesIn } from './holes.js';
import { dreamIdOfStream, type DreamEvent, type ProjectionEvent } from './events.js';
import { refuseForeignStreams, spellingsToCheck } from './owner-guard.js';
import { ownedTables, streamTrackerTable, type Projection } from './projection.js';
import { qualified } from './table.js';
import { UnitOfWork } from './unit-of-work.js';

/** Reads `maxCount` events of a stream from `fromRevision` on (the store's `readStream`). */
export type StreamReader = (streamId: string, fromRevision: bigint, maxCount: number) => Promise<ProjectionEvent[]>;

export interface BatchOptions {
  schema: string;
  /** Where missing revisions come from; without it a gap is an error. */
  readStream?: StreamReader;
  /** Send the projection's notifications and the checkpoint NOTIFY (not when rebuilding aside). */
  notify: boolean;
  /** A partition applies only the streams it owns; the checkpoint still passes every event of the batch. */
  owns?: (streamId: string) => boolean;
  /** Records the checkpoint instead of the projection's own row (a partition's); returns the checkpoint. */
  checkpoint?: (client: pg.ClientBase, position: bigint, notify: boolean) => Promise<bigint>;
}

export interface BatchResult {
  applied: number;
  ignored: number;
  duplicates: number;
  refetched: number;
  /** The checkpoint after the batch (undefined for an empty batch). */
  checkpoint: bigint | undefined;
}

/** A stream skipped revisions the store could not supply. */
export class StreamGapError extends Error {
  override name = 'StreamGapError';
}

function byStream(events: ProjectionEvent[]): Map<string, ProjectionEvent[]> {
  const streams = new Map<string, ProjectionEvent[]>();
  for (const event of events) {
    let list = streams.get(event.streamId);
    if (!list) streams.set(event.streamId, (list = []));
    list.push(event);
  }
  for (const list of streams.values()) list.sort((a, b) => (a.revision < b.revision ? -1 : a.revision > b.revision ? 1 : 0));
  return streams;
}

async function loadTrackers(client: pg.ClientBase, schema: string, projection: string, streamIds: string[]): Promise<Map<string, bigint>> {
  const { rows } = await client.query<{ stream_id: string; revision: bigint }>(
    `SELECT stream_id, revision FROM ${qualified(schema, streamTrackerTable(projection).name)} WHERE stream_id = ANY($1::text[])`,
    [streamIds],
  );
  return new Map(rows.map((row) => [row.stream_id, BigInt(row.revision)]));
}

async function fillGap(readStream: StreamReader | undefined, streamId: string, last: bigint, next: bigint): Promise<ProjectionEvent[]> {
  const missing = Number(next - last - 1n);
  if (!readStream) throw new StreamGapError(`${streamId}: revision ${next} arrived after ${last}, and no event store to read the gap from`);
  const events = await readStream(streamId, last + 1n, missing);
  events.forEach((event, index) => {
    if (event.revision !== last + 1n + BigInt(index)) throw new StreamGapError(`${streamId}: the store returned revision ${event.revision} where ${last + 1n + BigInt(index)} was expected`);
  });
  if (events.length !== missing) throw new StreamGapError(`${streamId}: revisions ${last + 1n}..${next - 1n} are missing and the store has ${events.length} of them`);
  return events;
}

/**
 * The events in commit order across streams, as a rebuild reads them, with each stream
 * kept in revision order even if a message carried a position out of line with its revision
 * (an event sorts no earlier than the events before it in its stream).
 */
function inCommitOrder(events: ProjectionEvent[]): ProjectionEvent[] {
  const floor = new Map<string, bigint>();
  const keyed = events.map((event, index) => {
    const previous = floor.get(event.streamId);
    const key = previous !== undefined && previous > event.position ? previous : event.position;
    floor.set(event.streamId, key);
    return { event, key, index };
  });
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index));
  return keyed.map((item) => item.event);
}

/** Applies `events` to `projection` in the caller's transaction; see the module comment. */
export async function applyBatch(client: pg.ClientBase, projection: Projection, events: ProjectionEvent[], options: BatchOptions): Promise<BatchResult> {
  const result: BatchResult = { applied: 0, ignored: 0, duplicates: 0, refetched: 0, checkpoint: undefined };
  if (!events.length) return result;
  const { schema, owns } = options;
  const mine = owns ? events.filter((event) => owns(event.streamId)) : events;
  result.ignored = events.length - mine.length;
  const streams = byStream(mine);
  const trackers = await loadTrackers(client, schema, projection.name, [...streams.keys(), ...spellingsToCheck(streams.keys())]);
  refuseForeignStreams(streams.keys(), trackers);

  // Decide what to apply, stream by stream, before touching any row.
  const toApply: ProjectionEvent[] = [];
  const advanced = new Map<string, bigint>();
  for (const [streamId, list] of streams) {
    let last = trackers.get(streamId) ?? -1n;
    for (const event of list) {
      if (event.revision <= last) {
        result.duplicates++;
        continue;
      }
      if (event.revision > last + 1n) {
        const missing = await fillGap(options.readStream, streamId, last, event.revision);
        const holes = await holesIn(client, schema, projection.name, streamId, last + 1n, event.revision - 1n);
        result.refetched += missing.length;
        toApply.push(...missing.filter((gap) => !holes.has(gap.revision)));
      }
      toApply.push(event);
      last = event.revision;
    }
    if (last !== (trackers.get(streamId) ?? -1n)) advanced.set(streamId, last);
  }

  const work = new UnitOfWork(ownedTables(projection));
  const handles = new Set<string>(projection.handles);
  const dreamOf = new Map([...streams.keys()].map((streamId) => [streamId, dreamIdOfStream(streamId)]));
  const dreamIds = [...new Set(toApply.map((event) => dreamOf.get(event.streamId)).filter((id): id is string => id !== undefined))];
  await work.preload(client, schema, dreamIds);
  for (const event of inCommitOrder(toApply)) {
    if (handles.has(event.type) && dreamOf.get(event.streamId)) {
      projection.apply(work, event as DreamEvent);
      result.applied++;
    } else if (isErasure(event)) {
      forgetUser(work, projection, event.data.userId);
      result.applied++;
    } else {
      result.ignored++;
    }
  }
  const trackerOps = work.table(streamTrackerTable(projection.name));
  for (const [streamId, revision] of advanced) trackerOps.put({ stream_id: streamId, revision });
  await work.flush(client, schema, { notify: options.notify });

  let position = events[0]!.position;
  for (const event of [...events, ...toApply]) if (event.position > position) position = event.position;
  result.checkpoint = options.checkpoint
    ? await options.checkpoint(client, position, options.notify)
    : await advanceCheckpoint(client, schema, projection.name, position, { notify: options.notify });
  return result;
}
