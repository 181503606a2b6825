/**
 * Following `$all` in PostgreSQL: catch up page by page from the subscriber's checkpoint,
 * then wait for a notification (or the idle poll) and read again.
 *
 * - A full page is followed at once by the next read.
 * - When committed events exist beyond the visibility horizon (an older transaction is
 *   still open), the next read comes after a short, growing pause (5 ms doubling up to the
 *   poll interval, reset by progress): soon, but never a tight loop.
 * - A failed read (connection lost, database restarting) is retried with backoff from the
 *   last delivered position; the pool replaces broken connections.
 * - A rejected `onEvent` stops the subscription with that error; aborting stops it cleanly.
 */
import { backoffDelay, sleep, type Logger } from '@dreamcatcher/service-kit';
import type { RecordedEvent, SubscribeToAllOptions, Subscription } from '../event-store.js';

export interface AllPage {
  events: RecordedEvent[];
  isEnd: boolean;
  /** Committed events exist that are not yet readable in order. */
  heldBack: boolean;
}

export interface FollowSettings {
  readPage: (after: bigint | undefined, maxCount: number) => Promise<AllPage>;
  /** Runs until the signal aborts, calling `wake` whenever new events may exist. */
  listen: (wake: () => void, signal: AbortSignal) => Promise<void>;
  pageSize: number;
  pollIntervalMs: number;
  logger?: Logger | undefined;
  /** Stops the subscription too (the store closing). */
  storeSignal: AbortSignal;
}

export function followAll(options: SubscribeToAllOptions, settings: FollowSettings): Subscription {
  const controller = new AbortController();
  const stop = () => controller.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  settings.storeSignal.addEventListener('abort', stop, { once: true });
  if (options.signal?.aborted || settings.storeSignal.aborted) stop();

  const wakeup = new Wakeup();
  const listening = settings.listen(() => wakeup.ring(), controller.signal);
  const done = (async () => {
    try {
      await deliver(options, settings, wakeup, controller.signal);
    } finally {
      controller.abort();
      options.signal?.removeEventListener('abort', stop);
      settings.storeSignal.removeEventListener('abort', stop);
      await listening;
    }
  })();
  return { done };
}

async function deliver(options: SubscribeToAllOptions, settings: FollowSettings, wakeup: Wakeup, signal: AbortSignal): Promise<void> {
  let cursor = options.after;
  let live = false;
  let failures = 0;
  let heldBackPauses = 0;
  while (!signal.aborted) {
    wakeup.reset();
    let page: AllPage;
    try {
      page = await settings.readPage(cursor, settings.pageSize);
      failures = 0;
    } catch (error) {
      if (signal.aborted) break;
      const delayMs = backoffDelay(failures++, 100, 5_000);
      settings.logger?.warn('event store subscription read failed, retrying', { error: (error as Error).message, delayMs });
      await sleep(delayMs, signal);
      continue;
    }
    for (const event of page.events) {
      if (signal.aborted) return;
      await options.onEvent(event);
      cursor = event.position;
    }
    if (!page.isEnd) continue;
    if (!live) {
      live = true;
      options.onLive?.();
    }
    if (page.events.length) heldBackPauses = 0;
    if (page.heldBack) {
      await sleep(Math.min(5 * 2 ** heldBackPauses++, settings.pollIntervalMs), signal);
      continue;
    }
    await wakeup.wait(settings.pollIntervalMs, signal);
  }
}

/** A doorbell that remembers a ring arriving while nobody waited. */
class Wakeup {
  private rung = false;
  private waiter: (() => void) | undefined;

  ring(): void {
    this.rung = true;
    this.waiter?.();
  }

  reset(): void {
    this.rung = false;
  }

  /** Resolves on a ring (also one since the last reset), after `ms`, or on abort. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.rung || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiter = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.waiter = done;
    });
  }
}
