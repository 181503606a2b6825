import { expect } from 'chai';
import { StreamDeletedError, WrongExpectedRevisionError, type EventStore } from '@dreamcatcher/event-store';
import { someEvents, uniqueStream } from '@dreamcatcher/event-store/testing';
import { createAuditedStore } from '../audited-store.js';
import { useAuditFixture } from '../testing/audit-fixture.js';
import { verifyStream } from './chain-check.js';

async function rejection<E>(promise: Promise<unknown>, errorClass: new (...args: never[]) => E): Promise<E> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).to.be.instanceOf(errorClass);
  return error as E;
}

/** The raw store, counting the stream reads that go through it. */
function countingReads(inner: EventStore): { store: EventStore; reads: () => number } {
  let reads = 0;
  const store = Object.create(inner) as EventStore;
  store.readStream = (streamId, options) => {
    reads++;
    return inner.readStream(streamId, options);
  };
  return { store, reads: () => reads };
}

describe('hash chain: the tails a store has read', () => {
  const fixture = useAuditFixture();

  it('appends right after a read of the stream without reading its tail again, and the chain holds', async () => {
    const streamId = uniqueStream('tail');
    await fixture.store.appendToStream(streamId, someEvents(3), { expectedRevision: 'no_stream' });
    const counted = countingReads(fixture.raw);
    const store = createAuditedStore(counted.store, { keys: fixture.keys });
    const loaded = await store.readStream(streamId);
    await store.appendToStream(streamId, someEvents(1), { expectedRevision: loaded.at(-1)!.revision });
    expect(counted.reads()).to.equal(1);
    // Without a read of that revision, the tail is read as before.
    await store.appendToStream(streamId, someEvents(1), { expectedRevision: 3n });
    expect(counted.reads()).to.equal(2);
    expect(verifyStream(await fixture.raw.readStream(streamId))).to.deep.equal({ ok: true, checked: 5 });
  });

  it('still refuses a stale expectation when another writer moved the stream after the read', async () => {
    const streamId = uniqueStream('tail');
    await fixture.store.appendToStream(streamId, someEvents(2), { expectedRevision: 'no_stream' });
    const reader = createAuditedStore(fixture.raw, { keys: fixture.keys });
    await reader.readStream(streamId);
    await fixture.store.appendToStream(streamId, someEvents(1), { expectedRevision: 1n });
    const refused = await rejection(reader.appendToStream(streamId, someEvents(1), { expectedRevision: 1n }), WrongExpectedRevisionError);
    expect(refused.actual).to.equal(2n);
    expect(verifyStream(await fixture.raw.readStream(streamId))).to.deep.equal({ ok: true, checked: 3 });
  });

  it('still refuses an append to a stream deleted after the read', async () => {
    const streamId = uniqueStream('tail');
    await fixture.store.appendToStream(streamId, someEvents(1), { expectedRevision: 'no_stream' });
    const reader = createAuditedStore(fixture.raw, { keys: fixture.keys });
    await reader.readStream(streamId);
    await fixture.store.deleteStream(streamId);
    await rejection(reader.appendToStream(streamId, someEvents(1), { expectedRevision: 0n }), StreamDeletedError);
  });
});
