import { expect } from 'chai';
import type { RecordedEvent } from '../event-store.js';
import { anEvent, expectStrictlyIncreasing, someEvents, uniqueStream, type SuiteContext } from './fixtures.js';

/** Polls until `check` holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) expect.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function subscriptionCases(ctx: SuiteContext): void {
  describe('subscribing to all events', () => {
    it('catches up from the checkpoint, goes live once, follows new appends and stops on abort', async () => {
      const streamId = uniqueStream('sub');
      const marker = await ctx.store.appendToStream(uniqueStream('marker'), [anEvent()]);
      const before = await ctx.store.appendToStream(streamId, someEvents(3));
      const seen: RecordedEvent[] = [];
      const positions: bigint[] = [];
      let liveCalls = 0;
      const controller = new AbortController();
      const subscription = ctx.store.subscribeToAll({
        after: marker.position,
        signal: controller.signal,
        onLive: () => liveCalls++,
        onEvent: async (event) => {
          positions.push(event.position);
          if (event.streamId === streamId) seen.push(event);
        },
      });
      await waitFor(() => seen.length === 3 && liveCalls === 1, 'catch-up and live');
      expect(positions[0]! > marker.position, 'delivery starts after the checkpoint').to.equal(true);
      const after = await ctx.store.appendToStream(streamId, someEvents(2), { expectedRevision: 2n });
      await waitFor(() => seen.length === 5, 'live events');
      controller.abort();
      await subscription.done;

      expect(liveCalls).to.equal(1);
      expect(seen.map((event) => event.id)).to.deep.equal([...before.events, ...after.events].map((event) => event.id));
      expect(seen.map((event) => event.revision)).to.deep.equal([0n, 1n, 2n, 3n, 4n]);
      expect(seen.map((event) => event.position)).to.deep.equal([...before.events, ...after.events].map((event) => event.position));
      expectStrictlyIncreasing(positions);

      await ctx.store.appendToStream(streamId, someEvents(1));
      await sleep(200);
      expect(seen).to.have.length(5);
    });

    it('resumes after the checkpoint the subscriber kept', async () => {
      const streamId = uniqueStream('resume');
      const marker = await ctx.store.appendToStream(uniqueStream('marker'), [anEvent()]);
      const appended = await ctx.store.appendToStream(streamId, someEvents(4));
      let checkpoint = marker.position;
      const first = new AbortController();
      let delivered = 0;
      const one = ctx.store.subscribeToAll({
        after: checkpoint,
        signal: first.signal,
        onEvent: async (event) => {
          if (event.streamId !== streamId || delivered === 2) return;
          delivered++;
          checkpoint = event.position;
          if (delivered === 2) first.abort();
        },
      });
      await one.done;
      expect(checkpoint).to.equal(appended.events[1]!.position);

      const rest: RecordedEvent[] = [];
      const second = new AbortController();
      const two = ctx.store.subscribeToAll({
        after: checkpoint,
        signal: second.signal,
        onEvent: async (event) => {
          if (event.streamId === streamId) rest.push(event);
        },
      });
      await waitFor(() => rest.length === 2, 'the events after the checkpoint');
      second.abort();
      await two.done;
      expect(rest.map((event) => event.revision)).to.deep.equal([2n, 3n]);
    });

    it('stops with the handler\'s error when it rejects, delivering nothing more', async () => {
      const streamId = uniqueStream('fail');
      const marker = await ctx.store.appendToStream(uniqueStream('marker'), [anEvent()]);
      await ctx.store.appendToStream(streamId, someEvents(3));
      const failure = new Error('projection broke');
      const calls: bigint[] = [];
      const subscription = ctx.store.subscribeToAll({
        after: marker.position,
        onEvent: async (event) => {
          if (event.streamId !== streamId) return;
          calls.push(event.revision);
          if (event.revision === 1n) throw failure;
        },
      });
      let caught: unknown;
      await subscription.done.catch((error: unknown) => (caught = error));
      expect(caught).to.equal(failure);
      expect(calls).to.deep.equal([0n, 1n]);
    });
  });
}
