import { expect } from 'chai';
import { ConflictError, ValidationError } from '@dreamcatcher/service-kit/errors';
import { WrongExpectedRevisionError } from '../errors.js';
import type { ExpectedRevision } from '../event-store.js';
import { anEvent, expectStrictlyIncreasing, rejection, someEvents, uniqueStream, type SuiteContext } from './fixtures.js';

export function appendCases(ctx: SuiteContext): void {
  describe('appending and reading back', () => {
    it('round-trips events: ids, types, data, metadata, revisions from 0 and increasing positions', async () => {
      const streamId = uniqueStream();
      const events = [anEvent('Created', { title: 'A dream', tags: ['x'], nested: { deep: [1, 2, { z: null }] } }), anEvent('Renamed', 'plain string'), anEvent('Counted', 42)];
      const result = await ctx.store.appendToStream(streamId, events, { expectedRevision: 'no_stream' });
      expect(result.nextExpectedRevision).to.equal(2n);
      expect(result.events.map((event) => event.revision)).to.deep.equal([0n, 1n, 2n]);
      expect(result.events.map((event) => event.id)).to.deep.equal(events.map((event) => event.id));
      expectStrictlyIncreasing(result.events.map((event) => event.position));
      expect(result.position).to.equal(result.events[2]!.position);

      const read = await ctx.store.readStream(streamId);
      expect(read.map(({ id, type, data, metadata }) => ({ id, type, data, metadata }))).to.deep.equal(events);
      expect(read.map((event) => event.streamId)).to.deep.equal([streamId, streamId, streamId]);
      expect(read.map((event) => event.revision)).to.deep.equal([0n, 1n, 2n]);
      expect(read.map((event) => event.position)).to.deep.equal(result.events.map((event) => event.position));
    });

    it('keeps every metadata field: trace context, schema version, extra keys', async () => {
      const streamId = uniqueStream();
      const event = anEvent('Traced', { ok: true }, {
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        tracestate: 'vendor=value',
        schemaVersion: 3,
        tenant: { id: 't-1', plan: ['pro'] },
      });
      await ctx.store.appendToStream(streamId, [event]);
      const [read] = await ctx.store.readStream(streamId);
      expect(read!.metadata).to.deep.equal(event.metadata);
    });

    it('appends with "any" to a new and to an existing stream', async () => {
      const streamId = uniqueStream();
      expect((await ctx.store.appendToStream(streamId, [anEvent()], { expectedRevision: 'any' })).nextExpectedRevision).to.equal(0n);
      expect((await ctx.store.appendToStream(streamId, someEvents(2))).nextExpectedRevision).to.equal(2n);
    });

    it('rejects an append without events', async () => {
      await rejection(ctx.store.appendToStream(uniqueStream(), []), ValidationError);
    });
  });

  describe('expected revision', () => {
    const conflicts: [string, (streamId: string) => Promise<unknown>, ExpectedRevision, bigint][] = [
      ['no_stream on an existing stream', (s) => seed(s, 2), 'no_stream', 1n],
      ['-1 on an existing stream', (s) => seed(s, 1), -1n, 0n],
      ['stream_exists on a missing stream', async () => undefined, 'stream_exists', -1n],
      ['an exact revision on a missing stream', async () => undefined, 0n, -1n],
      ['a stale exact revision', (s) => seed(s, 3), 1n, 2n],
      ['an exact revision ahead of the stream', (s) => seed(s, 1), 5n, 0n],
    ];
    for (const [name, given, expected, actual] of conflicts) {
      it(`refuses ${name} with WrongExpectedRevisionError carrying the actual revision`, async () => {
        const streamId = uniqueStream();
        await given(streamId);
        const before = await ctx.store.readStream(streamId);
        const error = await rejection(ctx.store.appendToStream(streamId, [anEvent()], { expectedRevision: expected }), WrongExpectedRevisionError);
        expect(error).to.be.instanceOf(ConflictError);
        expect(error.status).to.equal(409);
        expect(error).to.include({ streamId, expected, actual });
        expect(await ctx.store.readStream(streamId)).to.deep.equal(before);
      });
    }

    const accepted: [string, (streamId: string) => Promise<unknown>, ExpectedRevision, bigint][] = [
      ['no_stream on a new stream', async () => undefined, 'no_stream', 0n],
      ['-1 on a new stream', async () => undefined, -1n, 0n],
      ['stream_exists on an existing stream', (s) => seed(s, 2), 'stream_exists', 2n],
      ['the exact last revision', (s) => seed(s, 2), 1n, 2n],
      ['any on an existing stream', (s) => seed(s, 1), 'any', 1n],
    ];
    for (const [name, given, expected, next] of accepted) {
      it(`accepts ${name}`, async () => {
        const streamId = uniqueStream();
        await given(streamId);
        const result = await ctx.store.appendToStream(streamId, [anEvent()], { expectedRevision: expected });
        expect(result.nextExpectedRevision).to.equal(next);
        expect((await ctx.store.readStream(streamId)).map((event) => event.revision).at(-1)).to.equal(next);
      });
    }

    async function seed(streamId: string, count: number) {
      await ctx.store.appendToStream(streamId, someEvents(count), { expectedRevision: 'no_stream' });
    }
  });

  describe('idempotent re-append', () => {
    for (const expected of ['no_stream', 'any'] as const) {
      it(`answers a repeated append (expected ${expected}) as the first time and stores nothing twice`, async () => {
        const streamId = uniqueStream();
        const events = someEvents(3);
        const first = await ctx.store.appendToStream(streamId, events, { expectedRevision: expected });
        const again = await ctx.store.appendToStream(streamId, events, { expectedRevision: expected });
        expect(again).to.deep.equal(first);
        expect((await ctx.store.readStream(streamId)).map((event) => event.id)).to.deep.equal(events.map((event) => event.id));
      });
    }

    it('recognises a repeat at an exact revision after the stream moved on', async () => {
      const streamId = uniqueStream();
      await ctx.store.appendToStream(streamId, someEvents(1), { expectedRevision: 'no_stream' });
      const events = someEvents(2);
      const first = await ctx.store.appendToStream(streamId, events, { expectedRevision: 0n });
      await ctx.store.appendToStream(streamId, someEvents(1), { expectedRevision: 2n });
      expect(await ctx.store.appendToStream(streamId, events, { expectedRevision: 0n })).to.deep.equal(first);
      expect(await ctx.store.readStream(streamId)).to.have.length(4);
    });

    it('treats a partial overlap with an earlier append as a conflict', async () => {
      const streamId = uniqueStream();
      const [a, b] = someEvents(2);
      await ctx.store.appendToStream(streamId, [a!, b!], { expectedRevision: 'no_stream' });
      const error = await rejection(ctx.store.appendToStream(streamId, [a!, anEvent()], { expectedRevision: 'no_stream' }), WrongExpectedRevisionError);
      expect(error.actual).to.equal(1n);
      expect(await ctx.store.readStream(streamId)).to.have.length(2);
    });
  });
}

export function concurrentAppendCases(ctx: SuiteContext): void {
  describe('concurrent appends to one stream', () => {
    it('lets exactly one of many racing writers with the same expectation win', async () => {
      const streamId = uniqueStream();
      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, () => ctx.store.appendToStream(streamId, someEvents(2), { expectedRevision: 'no_stream' })),
      );
      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
      expect(won).to.have.length(1);
      expect(lost).to.have.length(9);
      for (const error of lost) {
        expect(error).to.be.instanceOf(WrongExpectedRevisionError);
        expect((error as WrongExpectedRevisionError).actual).to.equal(1n);
      }
      expect(await ctx.store.readStream(streamId)).to.have.length(2);
    });

    it('answers racing retries of the same append alike and stores it once', async () => {
      const streamId = uniqueStream();
      const events = someEvents(3);
      const results = await Promise.all(
        Array.from({ length: 5 }, () => ctx.store.appendToStream(streamId, events, { expectedRevision: 'no_stream' })),
      );
      for (const result of results) expect(result).to.deep.equal(results[0]);
      expect(await ctx.store.readStream(streamId)).to.have.length(3);
    });
  });
}
