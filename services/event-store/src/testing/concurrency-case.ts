import { expect } from 'chai';
import { WrongExpectedRevisionError } from '../errors.js';
import type { RecordedEvent } from '../event-store.js';
import { anEvent, someEvents, uniqueStream, type SuiteContext } from './fixtures.js';
import { waitFor } from './subscription-cases.js';

export interface LoadShape {
  writers: number;
  events: number;
  streams: number;
}

/**
 * Many writers append to many streams — half with exact expected revisions (retrying on
 * conflicts with the revision the error reports), half with 'any' — while a subscriber on
 * its own store instance follows `$all`. It must see every event exactly once, each stream
 * in revision order, with positions strictly increasing and equal to what appends reported.
 */
export function concurrencyCase(ctx: SuiteContext, shape: LoadShape = { writers: 20, events: 5_000, streams: 50 }): void {
  describe('under concurrent load', () => {
    it(`delivers each of ${shape.events} events from ${shape.writers} parallel writers exactly once, in order`, async function () {
      this.timeout(60_000);
      const prefix = uniqueStream('load');
      const streams = Array.from({ length: shape.streams }, (_, index) => `${prefix}-${index}`);
      const marker = await ctx.store.appendToStream(uniqueStream('marker'), [anEvent()]);

      const subscriber = await ctx.createStore();
      const seen: RecordedEvent[] = [];
      const outOfOrder: string[] = [];
      let last = marker.position;
      const controller = new AbortController();
      const subscription = subscriber.subscribeToAll({
        after: marker.position,
        signal: controller.signal,
        onEvent: async (event) => {
          if (event.position <= last) outOfOrder.push(`${event.position} after ${last}`);
          last = event.position;
          if (event.streamId.startsWith(prefix)) seen.push(event);
        },
      });

      const reported = new Map<string, bigint>();
      let unclaimed = shape.events;
      let conflicts = 0;
      const writer = async (index: number) => {
        const exact = index % 2 === 0;
        const known = new Map<string, bigint>();
        while (unclaimed > 0) {
          const count = Math.min(unclaimed, 1 + Math.floor(Math.random() * 5));
          unclaimed -= count;
          const streamId = streams[Math.floor(Math.random() * streams.length)]!;
          const events = someEvents(count, 'LoadTested');
          for (;;) {
            try {
              const expectedRevision = exact ? (known.get(streamId) ?? -1n) : 'any';
              const result = await ctx.store.appendToStream(streamId, events, { expectedRevision });
              known.set(streamId, result.nextExpectedRevision);
              for (const event of result.events) reported.set(event.id, event.position);
              break;
            } catch (error) {
              if (!(error instanceof WrongExpectedRevisionError)) throw error;
              conflicts++;
              known.set(streamId, error.actual);
            }
          }
        }
      };
      try {
        await Promise.all(Array.from({ length: shape.writers }, (_, index) => writer(index)));
        await waitFor(() => seen.length >= shape.events, `the subscriber to see ${shape.events} events`, 30_000);
        // Anything delivered twice would arrive right behind the rest.
        await new Promise((resolve) => setTimeout(resolve, 100));
      } finally {
        controller.abort();
        await subscription.done;
        await subscriber.close();
      }

      expect(outOfOrder, 'positions not strictly increasing').to.deep.equal([]);
      expect(seen).to.have.length(shape.events);
      expect(new Set(seen.map((event) => event.id)).size).to.equal(shape.events);
      expect(reported.size).to.equal(shape.events);
      for (const event of seen) expect(event.position).to.equal(reported.get(event.id));
      const revisions = new Map<string, bigint[]>();
      for (const event of seen) revisions.set(event.streamId, [...(revisions.get(event.streamId) ?? []), event.revision]);
      for (const [streamId, delivered] of revisions) {
        expect(delivered, streamId).to.deep.equal(delivered.map((_, index) => BigInt(index)));
        expect(BigInt(delivered.length - 1)).to.equal((await ctx.store.readStream(streamId, { direction: 'backwards', maxCount: 1 }))[0]!.revision);
      }
      // The exact-revision writers must have met each other; a test that never conflicts proves little.
      expect(conflicts, 'conflicts between writers').to.be.above(0);
    });
  });
}
