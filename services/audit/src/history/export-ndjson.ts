/**
 * Exporting a range of history as NDJSON (one event view per line) for offline analysis,
 * streamed: events are read a page at a time and written as the destination takes them.
 * When the destination's buffer is full (`write` returns false) reading pauses until it
 * drains, so a slow client holds at most one buffer's worth in memory, not the history.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { EventStore } from '@dreamcatcher/event-store';
import { toEventView } from './event-view.js';
import { compileFilter, type HistoryFilter } from './filter.js';

export interface ExportRange extends HistoryFilter {
  /** Exclusive start position; omitted: from the beginning. */
  after?: bigint;
  /** Inclusive end position; omitted: the store's head when the export starts (so it ends). */
  until?: bigint;
}

export interface ExportOptions {
  /** End the destination when done (default true). */
  end?: boolean;
  /** Stop early; the export then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Events read per page (default 500). */
  pageSize?: number;
}

export interface ExportResult {
  exported: number;
  /** Position of the last event examined (decimal string); resume an export after it. Null when none was. */
  lastPosition: string | null;
}

/** Writes the range's events as NDJSON to `destination`, with backpressure. */
export async function exportNdjson(store: EventStore, range: ExportRange, destination: Writable, options: ExportOptions = {}): Promise<ExportResult> {
  const match = compileFilter(range);
  const until = range.until ?? (await store.headPosition());
  let after = range.after;
  let exported = 0;
  for (let done = false; !done; ) {
    options.signal?.throwIfAborted();
    const page = await store.readAll({ ...(after !== undefined && { after }), maxCount: options.pageSize ?? 500 });
    for (const event of page.events) {
      if (event.position > until) {
        done = true;
        break;
      }
      after = event.position;
      if (match && !match(event)) continue;
      if (!destination.write(`${JSON.stringify(toEventView(event))}\n`)) await drained(destination, options.signal);
      exported++;
    }
    if (page.isEnd || page.events.length === 0) done = true;
  }
  if (options.end ?? true) {
    destination.end();
    await once(destination, 'finish', options.signal ? { signal: options.signal } : {});
  }
  return { exported, lastPosition: after === undefined ? null : after.toString() };
}

/** Resolves when the destination drains; rejects when it closes or fails first (a client that went away). */
async function drained(destination: Writable, signal: AbortSignal | undefined): Promise<void> {
  if (destination.destroyed) throw new Error('the export destination was closed');
  await new Promise<void>((resolve, reject) => {
    const cleanup = () => {
      destination.off('drain', onDrain).off('close', onClose).off('error', onError);
      signal?.removeEventListener('abort', onAbort);
    };
    const onDrain = () => (cleanup(), resolve());
    const onClose = () => (cleanup(), reject(new Error('the export destination was closed')));
    const onError = (error: Error) => (cleanup(), reject(error));
    const onAbort = () => (cleanup(), reject(signal!.reason as Error));
    destination.on('drain', onDrain).on('close', onClose).on('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
