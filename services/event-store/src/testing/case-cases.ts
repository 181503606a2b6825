import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { StreamIdCollisionError } from '../errors.js';
import { anEvent, rejection, type SuiteContext } from './fixtures.js';

/** A stream id differing from an existing one only by case names no second stream (where case does not matter). */
export function caseCollisionCases(ctx: SuiteContext): void {
  describe('stream ids differing only by case', () => {
    it('refuses a dream stream whose id differs from an existing one only by case, whatever the expectation', async () => {
      const id = randomUUID();
      const original = `dream-${id}`;
      const first = anEvent('DreamCreated', { ownerId: 'alice' });
      await ctx.store.appendToStream(original, [first], { expectedRevision: 'no_stream' });

      for (const expectedRevision of ['no_stream', 'any', -1n] as const) {
        const error = await rejection(ctx.store.appendToStream(`dream-${id.toUpperCase()}`, [anEvent('DreamImported', { ownerId: 'bob' })], { expectedRevision }), StreamIdCollisionError);
        expect(error.status).to.equal(409);
      }
      expect(await ctx.store.readStream(`dream-${id.toUpperCase()}`)).to.deep.equal([]);
      expect((await ctx.store.readStream(original)).map((event) => event.id)).to.deep.equal([first.id]);
      // The original spelling is still written as before.
      expect((await ctx.store.appendToStream(original, [anEvent()], { expectedRevision: 0n })).nextExpectedRevision).to.equal(1n);
    });

    it('keeps case-sensitive streams apart (user ids are text, compared exactly)', async () => {
      const suffix = randomUUID();
      await ctx.store.appendToStream(`user-Alice-${suffix}`, [anEvent()], { expectedRevision: 'no_stream' });
      const other = await ctx.store.appendToStream(`user-alice-${suffix}`, [anEvent()], { expectedRevision: 'no_stream' });
      expect(other.nextExpectedRevision).to.equal(0n);
    });
  });
}
