import { createHash, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { EventToAppend, RecordedEvent } from '@dreamcatcher/event-store';
import { verifyStream } from './chain-check.js';
import { chainEvents, emptyTail, genesisHash, hashEvent, withoutChain } from './event-hash.js';

const STREAM = 'dream-5b1e0c8a-3f2d-4e6a-9b7c-1d2e3f4a5b6c';

function anEvent(n: number): EventToAppend {
  return {
    id: randomUUID(),
    type: 'DreamTagged',
    data: { dreamId: '5b1e0c8a-3f2d-4e6a-9b7c-1d2e3f4a5b6c', tags: [`tag-${n}`] },
    metadata: { userId: 'user-1', correlationId: 'c', causationId: 'k', occurredAt: '2025-03-14T09:26:53Z', schemaVersion: 1 },
  };
}

/** A chained stream of `count` events, recorded as a store would give them back. */
function recordedStream(count: number): RecordedEvent[] {
  const chained = chainEvents(STREAM, emptyTail(STREAM), Array.from({ length: count }, (_, n) => anEvent(n)));
  return chained.map((event, index) => ({ ...event, streamId: STREAM, revision: BigInt(index), position: 1000n + BigInt(index) * 7n }));
}

describe('event hashes', () => {
  it('hash the canonical JSON of id, stream, revision, type, data and metadata without the hash, with SHA-256', () => {
    const event = { id: 'A0000000-0000-4000-8000-000000000001', streamId: 's-1', revision: 3n, type: 'T', data: { b: 1, a: [true] }, metadata: { userId: 'u', previousHash: 'p', hash: 'ignored' } };
    const expected = createHash('sha256')
      .update('{"data":{"a":[true],"b":1},"eventId":"a0000000-0000-4000-8000-000000000001","metadata":{"previousHash":"p","userId":"u"},"revision":"3","streamId":"s-1","type":"T"}')
      .digest('hex');
    expect(hashEvent(event)).to.equal(expected);
  });

  it('change with every covered part, and not with key order, the hash itself or JSON-invisible members', () => {
    const base = { id: randomUUID(), streamId: 's', revision: 0n, type: 'T', data: { a: 1, b: 'x' }, metadata: { userId: 'u', previousHash: 'p' } };
    const hash = hashEvent(base);
    expect(hashEvent({ ...base, data: { b: 'x', a: 1, c: undefined } })).to.equal(hash);
    expect(hashEvent({ ...base, metadata: { ...base.metadata, hash: 'anything' } })).to.equal(hash);
    const changed = [
      { ...base, id: randomUUID() },
      { ...base, streamId: 's2' },
      { ...base, revision: 1n },
      { ...base, type: 'U' },
      { ...base, data: { a: 2, b: 'x' } },
      { ...base, metadata: { ...base.metadata, userId: 'v' } },
      { ...base, metadata: { ...base.metadata, previousHash: 'q' } },
    ];
    for (const variant of changed) expect(hashEvent(variant)).to.not.equal(hash);
  });

  it('start each stream at sha256("dreamcatcher:" + streamId)', () => {
    expect(genesisHash('dream-x')).to.equal(createHash('sha256').update('dreamcatcher:dream-x').digest('hex'));
    expect(genesisHash('dream-x')).to.not.equal(genesisHash('dream-y'));
  });

  it('chain each event to the one before, replacing any chain fields the writer set', () => {
    const events = [anEvent(0), { ...anEvent(1), metadata: { ...anEvent(1).metadata, hash: 'forged', previousHash: 'forged' } }];
    const chained = chainEvents(STREAM, { revision: 4n, hash: 'tail-hash' }, events);
    expect(chained[0]!.metadata.previousHash).to.equal('tail-hash');
    expect(chained[1]!.metadata.previousHash).to.equal(chained[0]!.metadata.hash);
    expect(chained[1]!.metadata.hash).to.not.equal('forged');
    expect(chained[1]!.metadata.hash).to.equal(hashEvent({ ...chained[1]!, streamId: STREAM, revision: 6n }));
    expect(chained[1]!.metadata.hash).to.match(/^[0-9a-f]{64}$/);
    expect(withoutChain(chained[1]!.metadata)).to.deep.equal(events[0]!.metadata);
    expect(events[1]!.metadata.hash, 'the input is left alone').to.equal('forged');
  });
});

describe('verifyStream', () => {
  it('passes an intact stream and an empty one', () => {
    expect(verifyStream(recordedStream(5))).to.deep.equal({ ok: true, checked: 5 });
    expect(verifyStream([])).to.deep.equal({ ok: true, checked: 0 });
  });

  it('reports altered data at exactly the altered event, and nothing after it', () => {
    const events = recordedStream(5);
    events[2] = { ...events[2]!, data: { dreamId: 'x', tags: ['changed'] } };
    const result = verifyStream(events);
    expect(result).to.deep.include({ ok: false, checked: 5 });
    expect(result.firstBroken).to.deep.include({ eventId: events[2]!.id, revision: '2', position: events[2]!.position.toString(), reason: 'hash_mismatch' });
  });

  it('reports altered metadata, as a hash mismatch', () => {
    const events = recordedStream(3);
    events[1] = { ...events[1]!, metadata: { ...events[1]!.metadata, userId: 'mallory' } };
    expect(verifyStream(events).firstBroken).to.include({ eventId: events[1]!.id, reason: 'hash_mismatch' });
  });

  it('reports a removed event at the event after the gap', () => {
    const events = recordedStream(5);
    events.splice(2, 1);
    expect(verifyStream(events).firstBroken).to.include({ eventId: events[2]!.id, revision: '3', reason: 'revision_gap' });
  });

  it('reports a removed first event, and a removed last one cannot be seen by the chain alone', () => {
    const events = recordedStream(3);
    expect(verifyStream(events.slice(1)).firstBroken).to.include({ eventId: events[1]!.id, reason: 'revision_gap' });
    expect(verifyStream(events.slice(0, 2)).ok).to.equal(true);
  });

  it('reports two events whose contents swapped places at the first of them', () => {
    const events = recordedStream(5);
    const [third, fourth] = [events[2]!, events[3]!];
    events[2] = { ...fourth, revision: third.revision, position: third.position };
    events[3] = { ...third, revision: fourth.revision, position: fourth.position };
    expect(verifyStream(events).firstBroken).to.include({ eventId: fourth.id, revision: '2', reason: 'previous_hash_mismatch' });
  });

  it('reports an event that was replaced by a re-hashed forgery at the link after it', () => {
    const events = recordedStream(4);
    const forged = { ...events[1]!, data: { dreamId: 'x', tags: ['forged'] } };
    forged.metadata = { ...forged.metadata, hash: hashEvent(forged) };
    events[1] = forged;
    expect(verifyStream(events).firstBroken).to.include({ eventId: events[2]!.id, revision: '2', reason: 'previous_hash_mismatch' });
  });

  it('reports events without chain fields and events out of order', () => {
    const events = recordedStream(3);
    events[1] = { ...events[1]!, metadata: withoutChain(events[1]!.metadata) };
    expect(verifyStream(events).firstBroken).to.include({ revision: '1', reason: 'missing_hash' });
    const reversed = recordedStream(3).reverse();
    expect(verifyStream(reversed).firstBroken).to.include({ revision: '2', reason: 'revision_gap' });
  });

  it('refuses events of different streams', () => {
    const events = recordedStream(2);
    events[1] = { ...events[1]!, streamId: 'other' };
    expect(() => verifyStream(events)).to.throw(RangeError);
  });
});
