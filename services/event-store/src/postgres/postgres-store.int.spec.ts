import { expect } from 'chai';
import pg from 'pg';
import { connectPostgres, type Pool } from '@dreamcatcher/service-kit';
import { useTestDatabase } from '@dreamcatcher/service-kit/testing';
import { ValidationError } from '@dreamcatcher/service-kit/errors';
import { createEventStore } from '../factory.js';
import { WrongExpectedRevisionError } from '../errors.js';
import type { RecordedEvent } from '../event-store.js';
import { anEvent, eventStoreContractSuite, someEvents, uniqueStream, waitFor } from '../testing/index.js';
import { MAX_EVENTS_PER_APPEND } from '../append-rules.js';
import { PostgresEventStore } from './postgres-store.js';
import { migrateEventStore } from './schema.js';
import { appendStatement } from './sql.js';

describe('PostgreSQL event store', () => {
  const database = useTestDatabase('event_store');
  let pool: Pool;
  before(async () => {
    pool = await connectPostgres({ url: database.url, max: 10 });
  });
  after(async () => {
    await pool?.end();
  });

  eventStoreContractSuite('PostgreSQL', () => createEventStore({ kind: 'postgres', pool }));
});

describe('PostgreSQL event store specifics', () => {
  const database = useTestDatabase('event_store');
  let pool: Pool;
  let store: PostgresEventStore;
  before(async () => {
    pool = await connectPostgres({ url: database.url, max: 6 });
    await migrateEventStore(pool);
    store = new PostgresEventStore(pool);
  });
  after(async () => {
    await store?.close();
    await pool?.end();
  });

  it('starts empty at head position 0, and migrating again (even concurrently) changes nothing', async () => {
    await Promise.all([migrateEventStore(pool), migrateEventStore(pool), migrateEventStore(pool)]);
    expect(await store.headPosition()).to.equal(0n);
    expect(await store.readAll({ maxCount: 10 })).to.deep.equal({ events: [], lastPosition: undefined, isEnd: true });
  });

  it('refuses an append larger than 2^20 events before touching the database', async () => {
    const events = new Array(MAX_EVENTS_PER_APPEND + 1).fill(anEvent());
    const error = await store.appendToStream(uniqueStream(), events).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(ValidationError);
    expect((error as Error).message).to.match(/at most 1048576/);
  });

  it('treats ids already in the stream after new ones as a conflict, even with "any"', async () => {
    const streamId = uniqueStream();
    const [a] = someEvents(1);
    await store.appendToStream(streamId, [a!]);
    const error = await store.appendToStream(streamId, [anEvent(), a!]).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(WrongExpectedRevisionError);
    expect(await store.readStream(streamId)).to.have.length(1);
  });

  it('never skips an event whose transaction commits after a later one, and waits without spinning', async () => {
    const marker = await store.appendToStream(uniqueStream('marker'), [anEvent()]);
    let reads = 0;
    // Counts the subscriber's reads: holding back must pause between them, not spin.
    const countingPool = new Proxy(pool, {
      get: (target, key) => (key === 'query' ? (...args: unknown[]) => (reads++, (target.query as (...a: unknown[]) => unknown)(...args)) : Reflect.get(target, key)),
    });
    const follower = new PostgresEventStore(countingPool);
    const seen: RecordedEvent[] = [];
    const subscription = follower.subscribeToAll({ after: marker.position, onEvent: async (event) => void seen.push(event) });

    const early = await pool.connect();
    try {
      // An append that takes its transaction id first and commits last.
      await early.query('BEGIN');
      const { statement } = appendStatement('any');
      const slow = anEvent('Slow');
      const { rows } = await early.query({ ...statement, values: [uniqueStream('slow'), JSON.stringify([slow]), 1] });
      const fast = await store.appendToStream(uniqueStream('fast'), [anEvent('Fast')]);
      expect(fast.position > BigInt(rows[0].position), 'the later append has the higher position').to.equal(true);

      reads = 0;
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(seen, 'nothing is readable past the open transaction').to.deep.equal([]);
      expect((await store.readAll({ after: marker.position, maxCount: 10 })).events).to.deep.equal([]);
      expect((await store.headPosition()) < BigInt(rows[0].position), 'head stays below the open append').to.equal(true);
      expect(reads, 'reads while held back').to.be.within(2, 15);

      await early.query('COMMIT');
      await waitFor(() => seen.length === 2, 'both events');
      expect(seen.map((event) => event.type)).to.deep.equal(['Slow', 'Fast']);
      expect(seen[0]!.id).to.equal(slow.id);
    } finally {
      await early.query('ROLLBACK').catch(() => undefined);
      early.release();
      await follower.close();
      await subscription.done;
    }
  });

  it('keeps following when its connections are killed, by notification and not only by polling', async () => {
    const follower = new PostgresEventStore(pool, { pollIntervalMs: 60_000 });
    const marker = await store.appendToStream(uniqueStream('marker'), [anEvent()]);
    const seen: RecordedEvent[] = [];
    const subscription = follower.subscribeToAll({ after: marker.position, onEvent: async (event) => void seen.push(event) });
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const listenerPid = async () =>
        (await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'event-store-listener'")).rows[0]?.pid;
      const firstPid = await pollFor(listenerPid);
      await store.appendToStream(uniqueStream(), [anEvent('BeforeKill')]);
      await waitFor(() => seen.length === 1, 'an event delivered by notification', 3_000);

      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
      const secondPid = await pollFor(async () => {
        const pid = await listenerPid();
        return pid !== firstPid ? pid : undefined;
      });
      expect(secondPid).to.not.equal(firstPid);
      await store.appendToStream(uniqueStream(), [anEvent('AfterKill')]);
      await waitFor(() => seen.length === 2, 'an event after the reconnection', 5_000);
      expect(seen.map((event) => event.type)).to.deep.equal(['BeforeKill', 'AfterKill']);
    } finally {
      await admin.end();
      await follower.close();
      await subscription.done;
    }
  });
});

async function pollFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) return expect.fail('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
