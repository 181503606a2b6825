/**
 * Following `$all` in EventStoreDB with a catch-up subscription (system events filtered
 * out on the server). A dropped subscription (server restart, network) resubscribes with
 * backoff after the last delivered position; events at or before it are skipped, so each
 * event reaches `onEvent` once and positions only grow. `onLive` fires on the server's
 * "caught up" signal (servers 23.10+) once the events before it are delivered, or, for
 * older servers, once delivery reaches the head position read at the start.
 */
import { START, excludeSystemEvents, type AllStreamResolvedEvent, type EventStoreDBClient } from '@eventstore/db-client';
import { backoffDelay, sleep, type Logger } from '@dreamcatcher/service-kit';
import type { SubscribeToAllOptions, Subscription } from '../event-store.js';
import { fromEsdbEvent, isSystemEvent, toEsdbPosition } from './mapping.js';

export interface EsdbFollowSettings {
  logger?: Logger | undefined;
  storeSignal: AbortSignal;
  headPosition: () => Promise<bigint>;
}

/** Thrown through the read loop so that a failing handler stops the subscription instead of resubscribing. */
class HandlerFailed {
  constructor(readonly error: unknown) {}
}

export function followEsdbAll(client: EventStoreDBClient, options: SubscribeToAllOptions, settings: EsdbFollowSettings): Subscription {
  const controller = new AbortController();
  const stop = () => controller.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  settings.storeSignal.addEventListener('abort', stop, { once: true });
  if (options.signal?.aborted || settings.storeSignal.aborted) stop();
  const done = run(client, options, settings, controller.signal).finally(() => {
    options.signal?.removeEventListener('abort', stop);
    settings.storeSignal.removeEventListener('abort', stop);
  });
  return { done };
}

async function run(client: EventStoreDBClient, options: SubscribeToAllOptions, settings: EsdbFollowSettings, signal: AbortSignal): Promise<void> {
  let cursor = options.after;
  let live = false;
  const goLive = () => {
    if (live) return;
    live = true;
    options.onLive?.();
  };
  const head = await settings.headPosition().catch(() => undefined);
  for (let failures = 0; !signal.aborted; ) {
    const subscription = client.subscribeToAll({
      fromPosition: cursor === undefined ? START : toEsdbPosition(cursor),
      filter: excludeSystemEvents(),
    });
    // The server's "caught up" can overtake events still buffered here: go live once those are delivered.
    let caughtUp = false;
    let delivering = false;
    const liveIfDrained = () => {
      if (caughtUp && !delivering && subscription.readableLength === 0) goLive();
    };
    subscription.on('caughtUp', () => {
      caughtUp = true;
      liveIfDrained();
    });
    subscription.on('confirmation', () => {
      if (head !== undefined && (cursor ?? 0n) >= head) goLive();
    });
    try {
      const events = subscription[Symbol.asyncIterator]();
      for (;;) {
        const next = await nextOrAbort(events, signal);
        if (next === undefined) return;
        if (next.done) throw new Error('subscription ended by the server');
        failures = 0;
        const event = next.value.event && fromEsdbEvent(next.value.event);
        if (!event || isSystemEvent(event) || (cursor !== undefined && event.position <= cursor)) continue;
        delivering = true;
        try {
          await options.onEvent(event);
        } catch (error) {
          throw new HandlerFailed(error);
        } finally {
          delivering = false;
        }
        cursor = event.position;
        if (head !== undefined && cursor >= head) goLive();
        liveIfDrained();
      }
    } catch (error) {
      if (error instanceof HandlerFailed) throw error.error;
      if (signal.aborted) return;
      const delayMs = backoffDelay(failures++, 200, 5_000);
      settings.logger?.warn('EventStoreDB subscription dropped, resubscribing', { error: (error as Error).message, delayMs });
      await sleep(delayMs, signal);
    } finally {
      await subscription.unsubscribe().catch(() => undefined);
      subscription.destroy();
    }
  }
}

/** The iterator's next result, or undefined once the signal aborts (whichever comes first). */
function nextOrAbort(
  events: AsyncIterator<AllStreamResolvedEvent>,
  signal: AbortSignal,
): Promise<IteratorResult<AllStreamResolvedEvent> | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    events.next().then(
      (result) => {
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
