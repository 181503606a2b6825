/**
 * Copying every event of one store into another, over the EventStore interface only, so any
 * pair of adapters works (PostgreSQL to EventStoreDB and back, or PostgreSQL to PostgreSQL).
 *
 * - Order: events are read in the source's global order and appended one run of a stream at
 *   a time, each append waiting for the previous one, so the target's global order is the
 *   source's. Consecutive events of one stream (an append of several events) go in one append.
 * - Identity: ids, types, data and metadata are copied as stored — from the raw stores, so
 *   encrypted fields stay encrypted and `metadata.hash` / `previousHash` stay as they were.
 *   The chain hashes cover neither positions nor anything a store assigns, so it verifies
 *   on the target unchanged. Revisions are the same (both stores count from 0).
 * - Resumable without duplicates: each append names the exact revision it expects (the
 *   event's own revision minus one) and the same event ids, which both stores treat as an
 *   idempotent repeat when it was already written. The source position of the last copied
 *   event is kept in a `CopyCheckpoint` (every `saveEveryMs` and at the end), and a re-run
 *   starts after it; if the checkpoint lags the target (a crash between append and save),
 *   the repeats are harmless.
 * - A target stream that holds something else at a revision fails the copy with
 *   WrongExpectedRevisionError: the target is not a copy of this source.
 *
 * Not copied: tombstones (`deleteStream`); nothing in Dreamcatcher deletes streams.
 */
import type { EventStore, RecordedEvent } from '../event-store.js';
import { MAX_EVENTS_PER_APPEND } from '../append-rules.js';
import type { CopyCheckpoint } from './checkpoint.js';

export interface CopyProgress {
  /** Events appended (or found already there) in this run. */
  copied: number;
  /** Source position of the last event copied. */
  position: bigint | undefined;
  /** The source's head when the run started. */
  head: bigint;
  /** Where this run started (exclusive). */
  from: bigint | undefined;
}

export interface CopyOptions {
  source: EventStore;
  target: EventStore;
  checkpoint: CopyCheckpoint;
  /** Events read from the source per page (default 500). */
  pageSize?: number;
  /** How often the checkpoint is saved while copying (default 1 s). */
  saveEveryMs?: number;
  /** Aborting stops after the append in progress; the checkpoint is saved. */
  signal?: AbortSignal;
  onProgress?: (progress: CopyProgress) => void;
  /**
   * Copy at least up to this source position. A PostgreSQL store returns an event in global
   * order only once every older transaction in its cluster has ended, so right after a write
   * its readable end can lag; with this the copy waits for it (up to `waitMs`).
   */
  atLeast?: bigint;
  /** How long to wait for `atLeast` to become readable (default 60 s). */
  waitMs?: number;
  /** At most this many events a second, to spare a source or target that is in use. */
  maxPerSecond?: number;
}

export interface CopyReport {
  copied: number;
  /** Source position of the last copied event (decimal string), null when nothing was ever copied. */
  position: string | null;
  /** False when stopped by the signal before the source's end. */
  complete: boolean;
  seconds: number;
}

/** Runs of consecutive events of one stream, each small enough for one append. */
export function streamRuns(events: RecordedEvent[]): RecordedEvent[][] {
  const runs: RecordedEvent[][] = [];
  for (const event of events) {
    const last = runs.at(-1);
    const previous = last?.at(-1);
    if (last && previous && previous.streamId === event.streamId && previous.revision + 1n === event.revision && last.length < MAX_EVENTS_PER_APPEND) last.push(event);
    else runs.push([event]);
  }
  return runs;
}

/** Copies every source event after the checkpoint into the target; see the module comment. */
export async function copyEvents(options: CopyOptions): Promise<CopyReport> {
  const { source, target, checkpoint, pageSize = 500, saveEveryMs = 1_000, signal } = options;
  const started = performance.now();
  const deadline = Date.now() + (options.waitMs ?? 60_000);
  const from = await checkpoint.load();
  const head = await source.headPosition();
  let position = from;
  let saved = from;
  let savedAt = Date.now();
  let copied = 0;
  let savedCopied = 0;
  const save = async () => {
    if (position === undefined || position === saved) return;
    await checkpoint.save(position, copied - savedCopied);
    saved = position;
    savedCopied = copied;
    savedAt = Date.now();
  };
  try {
    for (;;) {
      if (signal?.aborted) return { copied, position: position?.toString() ?? null, complete: false, seconds: (performance.now() - started) / 1_000 };
      const page = await source.readAll({ ...(position !== undefined && { after: position }), maxCount: pageSize });
      for (const run of streamRuns(page.events)) {
        const first = run[0]!;
        const result = await target.appendToStream(
          first.streamId,
          run.map(({ id, type, data, metadata }) => ({ id, type, data, metadata })),
          { expectedRevision: first.revision - 1n },
        );
        const last = run.at(-1)!;
        if (result.nextExpectedRevision !== last.revision) {
          throw new Error(`${first.streamId}: the target put revision ${last.revision} at ${result.nextExpectedRevision}; it is not a copy of this source`);
        }
        copied += run.length;
        position = last.position;
        if (options.maxPerSecond) {
          const ahead = (copied / options.maxPerSecond) * 1_000 - (performance.now() - started);
          if (ahead > 0) await new Promise((resolve) => setTimeout(resolve, ahead));
        }
        options.onProgress?.({ copied, position, head, from });
        if (Date.now() - savedAt >= saveEveryMs) await save();
        if (signal?.aborted) break;
      }
      if (!page.isEnd || signal?.aborted) continue;
      if (options.atLeast === undefined || (position ?? -1n) >= options.atLeast) return { copied, position: position?.toString() ?? null, complete: true, seconds: (performance.now() - started) / 1_000 };
      if (Date.now() > deadline) throw new Error(`the source does not return events up to position ${options.atLeast} (a long transaction holds its readers back); run the copy again to continue`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await save();
  }
}
