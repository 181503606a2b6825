import { expect } from 'chai';
import { StreamDeletedError } from '../errors.js';
import type { RecordedEvent } from '../event-store.js';
import { anEvent, expectStrictlyIncreasing, rejection, someEvents, uniqueStream, type SuiteContext } from './fixtures.js';

export function readCases(ctx: SuiteContext): void {
  describe('reading a stream', () => {
    let streamId: string;
    before(async () => {
      streamId = uniqueStream();
      await ctx.store.appendToStream(streamId, someEvents(5), { expectedRevision: 'no_stream' });
    });
    const revisions = (events: RecordedEvent[]) => events.map((event) => event.revision);

    it('reads forwards from a revision, inclusive, up to maxCount', async () => {
      expect(revisions(await ctx.store.readStream(streamId, { fromRevision: 2n }))).to.deep.equal([2n, 3n, 4n]);
      expect(revisions(await ctx.store.readStream(streamId, { fromRevision: 1n, maxCount: 2 }))).to.deep.equal([1n, 2n]);
      expect(await ctx.store.readStream(streamId, { fromRevision: 9n })).to.deep.equal([]);
    });

    it('reads backwards from the end or from a revision', async () => {
      expect(revisions(await ctx.store.readStream(streamId, { direction: 'backwards' }))).to.deep.equal([4n, 3n, 2n, 1n, 0n]);
      expect(revisions(await ctx.store.readStream(streamId, { direction: 'backwards', maxCount: 2 }))).to.deep.equal([4n, 3n]);
      expect(revisions(await ctx.store.readStream(streamId, { direction: 'backwards', fromRevision: 2n }))).to.deep.equal([2n, 1n, 0n]);
    });

    it('reads a stream that does not exist as empty', async () => {
      expect(await ctx.store.readStream(uniqueStream())).to.deep.equal([]);
      expect(await ctx.store.readStream(uniqueStream(), { direction: 'backwards' })).to.deep.equal([]);
    });
  });

  describe('reading all events', () => {
    it('pages through the global order without gaps or repeats, positions strictly increasing', async () => {
      const start = await ctx.store.headPosition();
      const streams = [uniqueStream('page'), uniqueStream('page'), uniqueStream('page')];
      const appended: string[] = [];
      for (let round = 0; round < 5; round++) {
        for (const streamId of streams) {
          const events = someEvents(round % 2 === 0 ? 1 : 2);
          await ctx.store.appendToStream(streamId, events);
          appended.push(...events.map((event) => event.id));
        }
      }
      const ours = new Set(streams);
      const seen: RecordedEvent[] = [];
      let after: bigint | undefined = start;
      const deadline = Date.now() + 10_000;
      for (;;) {
        const page = await ctx.store.readAll({ after, maxCount: 4 });
        expect(page.events.length).to.be.at.most(4);
        if (page.events.length) expect(page.lastPosition).to.equal(page.events.at(-1)!.position);
        else expect(page.lastPosition).to.equal(after);
        seen.push(...page.events);
        after = page.lastPosition;
        if (!page.isEnd) continue;
        if (seen.filter((event) => ours.has(event.streamId)).length >= appended.length) break;
        // At the end but not everything seen yet: an older transaction elsewhere still holds the order back.
        if (Date.now() > deadline) expect.fail('appended events did not become readable in the global order');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expectStrictlyIncreasing(seen.map((event) => event.position));
      expect(seen.filter((event) => ours.has(event.streamId)).map((event) => event.id)).to.deep.equal(appended);
      expect((await ctx.store.headPosition()) >= seen.at(-1)!.position, 'head at or past the last event read').to.equal(true);
    });

    it('starts after the given position and answers an empty page at the end', async () => {
      const streamId = uniqueStream();
      const result = await ctx.store.appendToStream(streamId, someEvents(3));
      const [, second, third] = result.events;
      const page = await readAllUntil(ctx, second!.position, (events) => events.some((event) => event.id === third!.id));
      expect(page[0]!.id).to.equal(third!.id);
      const head = await ctx.store.headPosition();
      const rest = await ctx.store.readAll({ after: head, maxCount: 1_000 });
      // Other writers may share the store: whatever follows the head lies beyond it.
      expect(rest.events.every((event) => event.position > head)).to.equal(true);
      if (rest.events.length === 0) expect(rest).to.deep.include({ lastPosition: head, isEnd: true });
    });
  });

  describe('stream existence and deletion', () => {
    it('reports existence, and after deletion hides the stream and refuses appends', async () => {
      const streamId = uniqueStream();
      expect(await ctx.store.streamExists(streamId)).to.equal(false);
      const result = await ctx.store.appendToStream(streamId, someEvents(2));
      expect(await ctx.store.streamExists(streamId)).to.equal(true);

      await ctx.store.deleteStream(streamId);
      expect(await ctx.store.streamExists(streamId)).to.equal(false);
      expect(await ctx.store.readStream(streamId)).to.deep.equal([]);
      expect(await ctx.store.readStream(streamId, { direction: 'backwards' })).to.deep.equal([]);
      for (const expectedRevision of ['any', 'no_stream', 'stream_exists', 1n] as const) {
        await rejection(ctx.store.appendToStream(streamId, [anEvent()], { expectedRevision }), StreamDeletedError);
      }
      // Like EventStoreDB before a scavenge, the global order still holds the events.
      const all = await readAllUntil(ctx, result.events[0]!.position - 1n, (events) => events.some((event) => event.id === result.events[1]!.id));
      expect(all.filter((event) => event.streamId === streamId).map((event) => event.id)).to.deep.equal(result.events.map((event) => event.id));
    });

    it('tombstones a stream that was never written, and deleting twice is harmless', async () => {
      const streamId = uniqueStream();
      await ctx.store.deleteStream(streamId);
      await ctx.store.deleteStream(streamId);
      expect(await ctx.store.streamExists(streamId)).to.equal(false);
      const error = await rejection(ctx.store.appendToStream(streamId, [anEvent()]), StreamDeletedError);
      expect(error).to.include({ streamId, status: 410 });
    });
  });
}

/** Reads `$all` after `after` until `found` holds (events may become readable a moment after their append). */
async function readAllUntil(ctx: SuiteContext, after: bigint, found: (events: RecordedEvent[]) => boolean): Promise<RecordedEvent[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const events: RecordedEvent[] = [];
    let cursor: bigint | undefined = after;
    for (;;) {
      const page = await ctx.store.readAll({ after: cursor, maxCount: 100 });
      events.push(...page.events);
      cursor = page.lastPosition;
      if (page.isEnd) break;
    }
    if (found(events)) return events;
    if (Date.now() > deadline) return expect.fail('events did not become readable in the global order');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
