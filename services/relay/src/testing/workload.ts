import { randomUUID } from 'node:crypto';
import type { EventStore, RecordedEvent } from '@dreamcatcher/event-store';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { dreamStreamId, fragmentCaptured } from './events.js';

export interface Workload {
  writers: number;
  eventsPerWriter: number;
  /** Streams each writer spreads its events over. */
  streamsPerWriter: number;
  /** Pause between a writer's appends, so that the relay runs while events keep coming. */
  pauseMs?: number;
}

/** Concurrent writers appending one event at a time to their own dreams; resolves with the number appended. */
export async function appendWorkload(store: EventStore, workload: Workload): Promise<number> {
  await Promise.all(
    Array.from({ length: workload.writers }, async () => {
      const dreams = Array.from({ length: workload.streamsPerWriter }, () => randomUUID());
      for (let n = 0; n < workload.eventsPerWriter; n++) {
        const dreamId = dreams[n % dreams.length]!;
        await store.appendToStream(dreamStreamId(dreamId), [fragmentCaptured(dreamId, n)]);
        if (workload.pauseMs) await new Promise((resolve) => setTimeout(resolve, workload.pauseMs));
      }
    }),
  );
  return workload.writers * workload.eventsPerWriter;
}

/**
 * Everything in the store, in global order, once `expected` events are readable. Reading in
 * order can lag behind commits while any transaction in the PostgreSQL cluster is open (see
 * the store's visibility rule), and other work may share the cluster.
 */
export async function readEverything(store: EventStore, expected: number): Promise<RecordedEvent[]> {
  return eventually(
    async () => {
      const events: RecordedEvent[] = [];
      let after: bigint | undefined;
      for (;;) {
        const page = await store.readAll({ ...(after === undefined ? {} : { after }), maxCount: 1_000 });
        events.push(...page.events);
        after = page.lastPosition;
        if (page.isEnd) return events.length === expected && events;
      }
    },
    { what: `${expected} events readable in global order`, timeoutMs: 20_000, intervalMs: 100 },
  );
}

