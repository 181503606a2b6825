import { randomUUID } from 'node:crypto';
import type { EventStore, RecordedEvent } from '@dreamcatcher/event-store';
import { dreamStreamId, fragmentCaptured } from './events.js';

export interface Workload {
  writers: number;
  eventsPerWriter: number;
  /** Streams each writer spreads its events over. */
  streamsPerWriter: number;
  /** Pause between a writer's appends, so that the relay runs while events keep coming. */
  pauseMs?: number;
}

/** Concurrent writers appending one event at a time to their own dreams. */
export async function appendWorkload(store: EventStore, workload: Workload): Promise<void> {
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
}

/** Everything in the store, in global order. */
export async function readEverything(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let after: bigint | undefined;
  for (;;) {
    const page = await store.readAll({ ...(after === undefined ? {} : { after }), maxCount: 1_000 });
    events.push(...page.events);
    after = page.lastPosition;
    if (page.isEnd) return events;
  }
}
