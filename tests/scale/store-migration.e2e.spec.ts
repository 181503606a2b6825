/**
 * Moving the event store: `dreamcatcher store copy` from the embedded PostgreSQL store to
 * another PostgreSQL database (as it would to EventStoreDB), interrupted twice (Ctrl-C, then
 * a crash) and resumed, then copied back. Every copy must hold the source's events in order
 * with their ids, data, metadata and hash chains (`verifyAll` passes), and read models rebuilt
 * from a copy must equal those rebuilt from the source. The EventStoreDB leg of the same copier
 * runs in services/event-store when EVENTSTORE_CONNECTION_STRING is set.
 */
import pg from 'pg';
import { expect } from 'chai';
import { createAuditedStore, DEVELOPMENT_DATA_KEY_ENCRYPTION_KEY, eraseSubject, migrateAudit, PostgresDataKeys, verifyAll } from '@dreamcatcher/audit';
import { createEventStore, type EventStore } from '@dreamcatcher/event-store';
import { migrateReadModels, PROJECTIONS, rebuildUntil } from '@dreamcatcher/projections';
import { createTestDatabase, eventually, type TestResource } from '@dreamcatcher/service-kit/testing';
import { dreamcatcher, json, startDreamcatcher } from '../../cli/src/testing/run.js';
import { runWorkload } from './workload.js';

interface Database {
  resource: TestResource;
  pool: pg.Pool;
  raw: EventStore;
}

async function database(): Promise<Database> {
  const resource = await createTestDatabase('dc_store_move');
  const pool = new pg.Pool({ connectionString: resource.url, max: 6 });
  pool.on('error', () => undefined);
  return { resource, pool, raw: await createEventStore({ kind: 'postgres', pool }) };
}

/** The stored events, in commit order, as a copy must keep them (positions are the store's own). */
async function stored(db: Database): Promise<unknown[]> {
  const { rows } = await db.pool.query('SELECT stream_id, revision::text, event_id, type, data, metadata FROM event_store.events ORDER BY position');
  return rows;
}

const count = async (db: Database) => Number((await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM event_store.events')).rows[0]!.n);
const head = async (db: Database) => BigInt((await db.pool.query<{ head: string }>('SELECT coalesce(max(position), 0)::text AS head FROM event_store.events')).rows[0]!.head);

describe('moving the event store with dreamcatcher store copy (PostgreSQL to PostgreSQL and back)', function () {
  this.timeout(300_000);
  let source: Database;
  let target: Database;
  let back: Database;
  let keys: PostgresDataKeys;
  let total: number;

  before(async () => {
    [source, target, back] = await Promise.all([database(), database(), database()]);
    await migrateAudit(source.resource.url);
    keys = new PostgresDataKeys(source.pool, { masterKey: Buffer.from(DEVELOPMENT_DATA_KEY_ENCRYPTION_KEY, 'base64'), cacheTtlMs: 0 });
    const audited = createAuditedStore(source.raw, { keys });
    const erased = new Set<string>();
    await runWorkload({
      store: audited,
      users: ['ana', 'bo', 'cy'],
      dreamsPerUser: 6,
      writers: 4,
      events: 1_500,
      seed: 7,
      erased,
      onProgress: async (written) => {
        if (written !== 900) return;
        erased.add('bo');
        await eraseSubject(audited, keys, 'bo', { actor: 'admin' });
      },
    });
    total = await count(source);
  });

  after(async () => {
    for (const db of [source, target, back]) {
      await db?.raw.close();
      await db?.pool.end();
      await db?.resource.drop();
    }
  });

  it('copies everything in order after a Ctrl-C and a crash, never twice, with intact hash chains', async () => {
    // Throttled, so that the interruptions land mid-copy however fast the machine is.
    const copy = ['store', 'copy', '--from', source.resource.url, '--to', target.resource.url, '--page-size', '20', '--rate', '400'];
    // Ctrl-C: stops after the append in progress, keeps its place, exits 130.
    const first = startDreamcatcher([...copy, '--json']);
    await eventually(async () => (await count(target)) >= 200, { timeoutMs: 120_000, intervalMs: 20, what: 'the copy to get going' });
    first.kill('SIGINT');
    const interrupted = await first.done;
    expect(interrupted.code, interrupted.stderr).to.equal(130);
    expect(json(interrupted)).to.include({ complete: false });
    const afterInterrupt = await count(target);
    expect(afterInterrupt).to.be.below(total);

    // A crash: no chance to save the place; the re-run repeats up to a second of appends, idempotently.
    const second = startDreamcatcher(copy);
    await eventually(async () => (await count(target)) >= afterInterrupt + 300, { timeoutMs: 120_000, intervalMs: 20, what: 'the resumed copy to get going' });
    second.kill('SIGKILL');
    await second.done;
    expect(await count(target)).to.be.below(total);

    const resumed = await dreamcatcher([...copy.slice(0, -2), '--json']);
    expect(resumed.code, resumed.stderr).to.equal(0);
    const report = json(resumed);
    expect(report).to.include({ complete: true, position: (await head(source)).toString() });
    expect(report.from).to.match(/^postgres:\/\/127\.0\.0\.1:5432\/dc_store_move_/);
    expect(await stored(target)).to.deep.equal(await stored(source));
    const again = json(await dreamcatcher([...copy, '--json']));
    expect(again).to.include({ complete: true, copied: 0 });

    const verification = await verifyAll(target.raw);
    expect(verification.broken).to.deep.equal([]);
    expect(verification).to.include({ ok: true, checked: total });
  });

  it('copies back, and read models rebuilt from a copy equal those rebuilt from the source', async () => {
    const copied = await dreamcatcher(['store', 'copy', '--from', target.resource.url, '--to', back.resource.url, '--json']);
    expect(copied.code, copied.stderr).to.equal(0);
    expect(json(copied)).to.include({ complete: true, copied: total });
    expect(await stored(back)).to.deep.equal(await stored(source));
    expect((await verifyAll(back.raw)).ok).to.equal(true);

    // Both builds read through the audited store with the service database's data keys, as the services do.
    await migrateReadModels(source.resource.url);
    const projections = Object.values(PROJECTIONS);
    const build = (db: Database, into: string) =>
      head(db).then((until) => rebuildUntil({ pool: source.pool, store: createAuditedStore(db.raw, { keys }), projections, until, into }));
    await build(source, 'from_source');
    await build(back, 'from_copy');
    for (const table of projections.flatMap((projection) => [...projection.tables.map((spec) => spec.name), `${projection.name}_streams`])) {
      const differing = async (a: string, b: string) =>
        Number((await source.pool.query<{ n: string }>(`SELECT count(*) AS n FROM (SELECT * FROM ${a}.${table} EXCEPT ALL SELECT * FROM ${b}.${table}) d`)).rows[0]!.n);
      const rows = Number((await source.pool.query<{ n: string }>(`SELECT count(*) AS n FROM from_source.${table}`)).rows[0]!.n);
      expect([await differing('from_source', 'from_copy'), await differing('from_copy', 'from_source')], `${table} (${rows} rows)`).to.deep.equal([0, 0]);
    }
    const { rows } = await source.pool.query<{ n: string }>('SELECT count(*) AS n FROM from_source.dream_summary');
    expect(Number(rows[0]!.n)).to.be.greaterThan(0);
  });
});
