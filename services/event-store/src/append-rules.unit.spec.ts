import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { ValidationError } from '@dreamcatcher/service-kit/errors';
import { classifyRepeatedAppend, judgeRejectedAppend, revisionMatches, validateAppend, type StoredEventRef } from './append-rules.js';
import type { EventToAppend, ExpectedRevision } from './event-store.js';
import { anEvent } from './testing/fixtures.js';

describe('append rules', () => {
  describe('validateAppend', () => {
    const violations = (streamId: string, events: EventToAppend[], expected: ExpectedRevision = 'any', max = 10) => {
      try {
        validateAppend(streamId, events, expected, max);
        return [];
      } catch (error) {
        expect(error).to.be.instanceOf(ValidationError);
        return ((error as ValidationError).violations ?? []).map((violation) => `${violation.path}: ${violation.message}`);
      }
    };

    it('accepts UUID ids in any case and ordinary names', () => {
      expect(violations('dream-1', [{ ...anEvent(), id: randomUUID().toUpperCase() }, anEvent()])).to.deep.equal([]);
    });

    it('lists every problem of an append at once', () => {
      const repeated = anEvent();
      expect(violations('$system', [{ ...anEvent(), id: 'not-a-uuid', type: '' }, repeated, repeated, { ...anEvent(), type: '$metadata' }], -2n)).to.deep.equal([
        '/streamId: must not start with "$" (reserved for system streams)',
        '/expectedRevision: must be -1 or more',
        '/events/0/id: must be a UUID',
        '/events/0/type: must be a non-empty string',
        '/events/2/id: repeats an id of this append',
        '/events/3/type: must not start with "$" (reserved for system events)',
      ]);
    });

    it('refuses an empty stream id and an empty append', () => {
      expect(violations('', [])).to.deep.equal(['/streamId: must be a non-empty string', '/events: must hold at least one event']);
    });

    it('refuses more events than fit in one append without looking at each', () => {
      expect(violations('s', new Array(11).fill({}), 'any', 10)).to.deep.equal(['/events: must hold at most 10 events']);
    });
  });

  describe('revisionMatches', () => {
    const cases: [ExpectedRevision, bigint, boolean][] = [
      ['any', -1n, true],
      ['any', 7n, true],
      ['no_stream', -1n, true],
      ['no_stream', 0n, false],
      ['stream_exists', -1n, false],
      ['stream_exists', 0n, true],
      [-1n, -1n, true],
      [3n, 3n, true],
      [3n, 4n, false],
    ];
    for (const [expected, actual, matches] of cases) {
      it(`${String(expected)} ${matches ? 'matches' : 'does not match'} a stream at ${actual}`, () => {
        expect(revisionMatches(expected, actual)).to.equal(matches);
      });
    }
  });

  describe('classifyRepeatedAppend', () => {
    const ids = ['a', 'b', 'c'];
    const stored = (first: bigint, order = ids): StoredEventRef[] => order.map((id, index) => ({ id, revision: first + BigInt(index), position: 100n + BigInt(index) }));

    it('is new when none of the ids is stored', () => {
      expect(classifyRepeatedAppend('any', ids, [])).to.deep.equal({ kind: 'new' });
    });

    it('answers as the first time when all ids sit where the expectation put them', () => {
      expect(classifyRepeatedAppend(4n, ids, stored(5n).reverse())).to.deep.equal({
        kind: 'idempotent',
        result: { nextExpectedRevision: 7n, position: 102n, events: stored(5n) },
      });
      expect(classifyRepeatedAppend('no_stream', ids, stored(0n)).kind).to.equal('idempotent');
      expect(classifyRepeatedAppend('any', ids, stored(9n)).kind).to.equal('idempotent');
      expect(classifyRepeatedAppend('stream_exists', ids, stored(9n)).kind).to.equal('idempotent');
    });

    it('is a conflict when only some ids are stored, in another order, or elsewhere', () => {
      expect(classifyRepeatedAppend('any', ids, stored(0n).slice(0, 2))).to.deep.equal({ kind: 'conflict' });
      expect(classifyRepeatedAppend('any', ids, stored(0n, ['b', 'a', 'c']))).to.deep.equal({ kind: 'conflict' });
      expect(classifyRepeatedAppend('no_stream', ids, stored(1n))).to.deep.equal({ kind: 'conflict' });
      expect(classifyRepeatedAppend(2n, ids, stored(4n))).to.deep.equal({ kind: 'conflict' });
      const gap = stored(0n);
      gap[2]!.revision = 5n;
      expect(classifyRepeatedAppend('any', ids, gap)).to.deep.equal({ kind: 'conflict' });
    });
  });

  describe('judgeRejectedAppend', () => {
    it('reports a tombstone before anything else', () => {
      expect(judgeRejectedAppend('any', ['a'], { stream: { revision: 3n, deleted: true }, stored: [] })).to.deep.equal({ kind: 'deleted' });
    });

    it('reports the actual revision of a conflict (-1 for a missing stream)', () => {
      expect(judgeRejectedAppend(1n, ['a'], { stream: { revision: 3n, deleted: false }, stored: [] })).to.deep.equal({ kind: 'conflict', actual: 3n });
      expect(judgeRejectedAppend('stream_exists', ['a'], { stream: undefined, stored: [] })).to.deep.equal({ kind: 'conflict', actual: -1n });
      expect(judgeRejectedAppend('any', ['a', 'b'], { stream: { revision: 3n, deleted: false }, stored: [{ id: 'a', revision: 3n, position: 1n }] })).to.deep.equal({ kind: 'conflict', actual: 3n });
    });

    it('asks for another attempt when the expectation holds after all (a race moved the stream)', () => {
      expect(judgeRejectedAppend(3n, ['a'], { stream: { revision: 3n, deleted: false }, stored: [] })).to.deep.equal({ kind: 'retry' });
      expect(judgeRejectedAppend('any', ['a'], { stream: { revision: 0n, deleted: false }, stored: [] })).to.deep.equal({ kind: 'retry' });
    });

    it('recognises a repeat of an earlier append', () => {
      const outcome = judgeRejectedAppend('no_stream', ['a'], { stream: { revision: 4n, deleted: false }, stored: [{ id: 'a', revision: 0n, position: 9n }] });
      expect(outcome).to.deep.equal({ kind: 'idempotent', result: { nextExpectedRevision: 0n, position: 9n, events: [{ id: 'a', revision: 0n, position: 9n }] } });
    });
  });
});
