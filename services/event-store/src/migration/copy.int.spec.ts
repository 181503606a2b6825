import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { connectPostgres, type Pool } from '@dreamcatcher/service-kit';
import { createTestDatabase, type TestResource } from '@dreamcatcher/service-kit/testing';
import { WrongExpectedRevisionError } from '../errors.js';
import type { EventStore, RecordedEvent } from '../event-store.js';
import { createEventStore } from '../factory.js';
import { anEvent, expectStrictlyIncreasing } from '../testing/index.js';
import { useEventStoreDb } from '../testing/esdb-server.js';
import { MemoryCopyCheckpoint, PostgresCopyCheckpoint } from './checkpoint.js';
import { copyEvents } from './copy.js';

interface Side {
  database?: TestResource;
  pool: Pool;
  store: EventStore;
}

async function openSide(url?: string): Promise<Side> {
  const database = url ? undefined : await createTestDatabase('dc_store_copy');
  const pool = await connectPostgres({ url: url ?? database!.url, max: 4 });
  return { ...(database && { database }), pool, store: await createEventStore({ kind: 'postgres', pool }) };
}

async function closeSide(side: Side | undefined): Promise<void> {
  await side?.store.close();
  await side?.pool.end();
  await side?.database?.drop();
}

/** Every event of `store` in global order, at least up to `atLeast` (of the given streams only, when named). */
async function everything(store: EventStore, { streams, atLeast = -1n }: { streams?: Set<string>; atLeast?: bigint } = {}): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let after: bigint | undefined;
  for (;;) {
    const page = await store.readAll({ ...(after !== undefined && { after }), maxCount: 200 });
    events.push(...page.events.filter((event) => !streams || streams.has(event.streamId)));
    after = page.lastPosition;
    if (page.isEnd && (after ?? -1n) >= atLeast) return events;
    if (page.isEnd) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What a copy must preserve: everything but the position the target assigns. */
const identity = ({ id, type, data, metadata, streamId, revision }: RecordedEvent) => ({ id, type, data, metadata, streamId, revision: revision.toString() });

/** Every committed event of a PostgreSQL side (its readable end may lag while other transactions in the cluster run). */
async function lastPosition(side: Side): Promise<bigint> {
  const { rows } = await side.pool.query<{ head: string | null }>('SELECT max(position)::text AS head FROM event_store.events');
  return BigInt(rows[0]!.head ?? '0');
}

/** Appends `count` events to `streams` streams, interleaved, some appends of several events, some with chain-like metadata. */
async function fill(store: EventStore, streams: string[], count: number): Promise<void> {
  for (let written = 0; written < count; ) {
    const stream = streams[written % streams.length]!;
    const size = written % 7 === 0 ? 3 : 1;
    const events = Array.from({ length: size }, (_, i) => anEvent(i % 2 ? 'ThingChanged' : 'ThingHappened', written % 5 === 0 ? null : { n: written + i, text: 'ünïcødé ✓' }, { hash: randomUUID(), previousHash: randomUUID(), subjectId: 'someone' }));
    await store.appendToStream(stream, events);
    written += size;
  }
}

describe('copying an event store into another (PostgreSQL to PostgreSQL)', function () {
  this.timeout(60_000);
  let source: Side;
  let target: Side;
  const streams = Array.from({ length: 12 }, () => `dream-${randomUUID()}`);

  before(async () => {
    [source, target] = await Promise.all([openSide(), openSide()]);
    await fill(source.store, streams, 300);
  });
  after(async () => {
    await Promise.all([closeSide(source), closeSide(target)]);
  });

  it('copies every event in order, with its id, type, data, metadata and revision, and resumes after an interruption without duplicates', async () => {
    const checkpoint = new MemoryCopyCheckpoint();
    const interrupt = new AbortController();
    const atLeast = await lastPosition(source);
    const first = await copyEvents({ source: source.store, target: target.store, checkpoint, atLeast, pageSize: 40, saveEveryMs: 0, signal: interrupt.signal, onProgress: ({ copied }) => copied >= 100 && interrupt.abort() });
    expect(first.complete).to.equal(false);
    const { rows } = await target.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM event_store.events');
    expect(rows[0]!.n).to.equal(first.copied).and.to.be.within(100, 102);
    expect(checkpoint.position?.toString()).to.equal(first.position);

    // As after a crash between an append and saving the place: the checkpoint lags the target by 60 events.
    const sourceEvents = await everything(source.store, { atLeast });
    checkpoint.position = sourceEvents[first.copied - 61]!.position;
    const second = await copyEvents({ source: source.store, target: target.store, checkpoint, atLeast, pageSize: 40 });
    expect(second.complete).to.equal(true);
    expect(second.copied).to.equal(sourceEvents.length - first.copied + 60);

    const copied = await everything(target.store, { atLeast: await lastPosition(target) });
    expect(copied.map(identity)).to.deep.equal(sourceEvents.map(identity));
    expectStrictlyIncreasing(copied.map((event) => event.position));
    for (const stream of streams) expect((await target.store.readStream(stream)).map(identity)).to.deep.equal((await source.store.readStream(stream)).map(identity));
  });

  it('copies what the source got since, and nothing twice on a re-run', async () => {
    const checkpoint = new MemoryCopyCheckpoint();
    await copyEvents({ source: source.store, target: target.store, checkpoint, atLeast: await lastPosition(source) });
    await fill(source.store, [...streams.slice(0, 3), `dream-${randomUUID()}`], 25);
    const atLeast = await lastPosition(source);
    const more = await copyEvents({ source: source.store, target: target.store, checkpoint, atLeast });
    expect(more.copied).to.equal(25);
    expect((await copyEvents({ source: source.store, target: target.store, checkpoint, atLeast })).copied).to.equal(0);
    expect((await everything(target.store, { atLeast: await lastPosition(target) })).map(identity)).to.deep.equal((await everything(source.store, { atLeast })).map(identity));
  });

  it('refuses a target that holds other events in a stream it copies', async () => {
    const other = await openSide();
    try {
      await other.store.appendToStream(streams[0]!, [anEvent('Unrelated')]);
      const error = await copyEvents({ source: source.store, target: other.store, checkpoint: new MemoryCopyCheckpoint(), atLeast: await lastPosition(source) }).then(
        () => undefined,
        (caught: Error) => caught,
      );
      expect(error).to.be.instanceOf(WrongExpectedRevisionError);
    } finally {
      await closeSide(other);
    }
  });

  it('keeps its place in a table on a PostgreSQL side, per copy', async () => {
    const place = new PostgresCopyCheckpoint(target.pool, 'a -> b');
    expect(await place.load()).to.equal(undefined);
    await place.save(42n, 10);
    await place.save(40n, 5);
    expect(await place.load(), 'never moves back').to.equal(42n);
    expect(await new PostgresCopyCheckpoint(target.pool, 'a -> c').load()).to.equal(undefined);
    const { rows } = await target.pool.query<{ events: string }>("SELECT events::text FROM event_store.copy_checkpoints WHERE copy = 'a -> b'");
    expect(rows[0]!.events).to.equal('15');
    await place.reset();
    expect(await place.load()).to.equal(undefined);
  });
});

describe('copying between PostgreSQL and EventStoreDB', function () {
  this.timeout(120_000);
  const esdb = useEventStoreDb('EventStoreDB copy');
  it('round-trips PostgreSQL -> EventStoreDB -> PostgreSQL, order, ids and metadata intact', async () => {
    const [source, back] = await Promise.all([openSide(), openSide()]);
    const server = await createEventStore({ kind: 'esdb', connectionString: esdb.connectionString });
    try {
      const streams = Array.from({ length: 5 }, () => `copytest-${randomUUID()}`);
      const mine = new Set(streams);
      await fill(source.store, streams, 60);
      // The server may be shared: start the copy back from where this test's events begin.
      const start = await server.headPosition();
      await copyEvents({ source: source.store, target: server, checkpoint: new MemoryCopyCheckpoint(), atLeast: await lastPosition(source) });
      await copyEvents({ source: server, target: back.store, checkpoint: new MemoryCopyCheckpoint(start > 0n ? start : undefined) });
      const original = (await everything(source.store, { atLeast: await lastPosition(source) })).map(identity);
      expect((await everything(server, { streams: mine })).map(identity)).to.deep.equal(original);
      expect((await everything(back.store, { streams: mine, atLeast: await lastPosition(back) })).map(identity)).to.deep.equal(original);
    } finally {
      await server.close();
      await Promise.all([closeSide(source), closeSide(back)]);
    }
  });
});
