import { expect } from 'chai';
import { sleep } from '@dreamcatcher/service-kit';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { runCli } from '../cli.js';
import { PROJECTIONS } from '../registry.js';
import { listDreams } from '../dream_summary/queries.js';
import { listTags } from '../catalogue/queries.js';
import { readCheckpoints } from '../runtime/checkpoints.js';
import { Projector, projectorOptions } from '../runtime/consumer.js';
import type { ProjectionEvent } from '../runtime/events.js';
import { withReaderScope } from '../runtime/reader-scope.js';
import { appendInterleaved, bulkScripts } from '../testing/bulk.js';
import { Clock, DreamScript } from '../testing/dream-script.js';
import { appendScripts, publishEnvelope, quietLogger, useReadModelDatabase, useTestBroker } from '../testing/harness.js';
import { storeReader } from './build.js';
import { rebuildAndSwap } from './rebuild.js';

describe('rebuild', function () {
  this.timeout(60_000);
  const projectors: Projector[] = [];
  // The broker's hooks come first so that its cleanup (stopping the projectors) runs before the database goes.
  const test = useTestBroker('dc_proj_rebuild', async () => {
    await Promise.all(projectors.map((projector) => projector.stop()));
  });
  const database = useReadModelDatabase('dc_proj_rebuild');
  const live = [PROJECTIONS.dream_summary, PROJECTIONS.catalogue, PROJECTIONS.dream_detail];
  let published: ProjectionEvent[] = [];

  async function publish(events: ProjectionEvent[]): Promise<void> {
    for (const event of events) publishEnvelope(test.broker.publisher, event);
    await test.broker.publisher.waitForConfirms();
    published = [...published, ...events];
  }

  const caughtUp = () =>
    eventually(
      async () => {
        const checkpoints = await readCheckpoints(database.db.pool);
        const last = published.reduce((max, event) => (event.position > max ? event.position : max), 0n);
        return live.every((projection) => checkpoints[projection.name] === last);
      },
      { what: 'live projectors to catch up', timeoutMs: 20_000 },
    );

  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { DATABASE_URL: database.db.url, AMQP_URL: test.broker.url }, { out: (text) => out.push(text), err: (text) => err.push(text) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  before(async () => {
    for (const projection of live) {
      const projector = new Projector({ pool: database.db.pool, readStream: storeReader(database.db.store), logger: quietLogger() }, projectorOptions(projection, { batchSize: 50 }));
      await projector.attach(test.broker.connection);
      projectors.push(projector);
    }
    await publish(await appendInterleaved(database.db.store, bulkScripts(40, 25)));
    await caughtUp();
  });

  it('switches to rebuilt tables while the live projector keeps applying and readers keep reading', async () => {
    const { pool } = database.db;
    const oid = async () => (await pool.query("SELECT 'read_models.dream_summary'::regclass::oid AS oid")).rows[0].oid as number;
    const before = await oid();
    let writing = true;
    let readErrors = 0;
    let reads = 0;
    const clock = new Clock();
    const writer = (async () => {
      for (let i = 0; writing || i < 5; i++) {
        const script = new DreamScript(`bulk-user-${i % 5}`, clock).created({ title: `Written during the rebuild ${i}`, tags: ['during'] }).captured();
        await publish(await appendScripts(database.db.store, [script]));
        await sleep(5);
      }
    })();
    const reader = (async () => {
      while (writing) {
        await withReaderScope(pool, 'bulk-user-1', (client) => listDreams(client, 'bulk-user-1', { limit: 5 }))
          .then(() => reads++)
          .catch(() => readErrors++);
      }
    })();
    await sleep(50);
    const report = await rebuildAndSwap({ pool, store: database.db.store, projections: [PROJECTIONS.dream_summary, PROJECTIONS.catalogue], pageSize: 200 });
    await sleep(50);
    writing = false;
    await Promise.all([writer, reader]);
    await caughtUp();

    expect(await oid()).to.not.equal(before);
    expect(report.events).to.be.greaterThan(1_000);
    expect(readErrors).to.equal(0);
    expect(reads).to.be.greaterThan(0);
    const during = await withReaderScope(pool, 'bulk-user-1', (client) => listTags(client, 'bulk-user-1'));
    expect(during.items.find((tag) => tag.id === 'during')!.dreamCount).to.be.greaterThan(0);
    const verified = await cli('--json', 'rebuild', '--verify', 'dream_summary', 'catalogue', 'dream_detail');
    expect(verified.code, verified.out).to.equal(0);
    expect(JSON.parse(verified.out)).to.have.property('identical', true);
  });

  it('reports a difference from the live tables with exit code 1, and a rebuild repairs it', async () => {
    const { pool } = database.db;
    await pool.query("UPDATE read_models.dream_summary SET title = 'tampered' WHERE dream_id = (SELECT dream_id FROM read_models.dream_summary ORDER BY dream_id LIMIT 1)");
    await pool.query("DELETE FROM read_models.catalogue_tag_usage WHERE tag = 'during'");
    const verified = await cli('rebuild', '--verify', '--no-progress');
    expect(verified.code).to.equal(1);
    expect(verified.out).to.match(/dream_summary: dream_summary differs: 1 row\(s\) only live, 1 only rebuilt/);
    expect(verified.out).to.match(/catalogue: catalogue_tag_usage differs: 0 row\(s\) only live, [1-5] only rebuilt/);
    expect(verified.out).to.contain('dream_detail: identical to a rebuild');

    const rebuilt = await cli('rebuild', 'dream_summary', 'catalogue', '--no-progress');
    expect(rebuilt.code, rebuilt.err).to.equal(0);
    expect(rebuilt.out).to.match(/^rebuilt dream_summary, catalogue: \d+ events in [\d.]+ s \(\d+ events\/s\), checkpoint \d+$/);
    expect((await cli('rebuild', '--verify', '--no-progress')).code).to.equal(0);
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM read_models.dream_summary WHERE title = 'tampered'");
    expect(rows[0].n).to.equal(0);
  });

  it('builds the read models as they were at a position into another schema, for auditors', async () => {
    const { pool, store } = database.db;
    const script = new DreamScript('auditee', new Clock()).created({ title: 'First title', tags: ['ai'] });
    const [created] = await appendScripts(store, [script]);
    script.detailsChanged({ title: 'Second title' }).untagged('ai');
    await publish([created!, ...(await appendScripts(store, [script]))]);
    await caughtUp();
    const built = await cli('--json', 'rebuild', 'dream_summary', 'catalogue', '--until', created!.position.toString(), '--into', 'audit_then');
    expect(built.code, built.err).to.equal(0);
    expect(JSON.parse(built.out)).to.include({ schema: 'audit_then', position: created!.position.toString() });
    const then = await withReaderScope(pool, 'auditee', (client) => listDreams(client, 'auditee', { schema: 'audit_then' }));
    const now = await withReaderScope(pool, 'auditee', (client) => listDreams(client, 'auditee'));
    expect(then.items.map((item) => [item.title, item.tags])).to.deep.equal([['First title', ['ai']]]);
    expect(now.items.map((item) => [item.title, item.tags])).to.deep.equal([['Second title', []]]);
    const tags = await withReaderScope(pool, 'auditee', (client) => listTags(client, 'auditee', { schema: 'audit_then' }));
    expect(tags.items.find((tag) => tag.id === 'ai')!.dreamCount).to.equal(1);
    expect((await readCheckpoints(pool, 'audit_then')).dream_summary).to.equal(created!.position);
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname LIKE 'read_models_%'");
    expect(rows[0].n, 'no staging tables left behind').to.equal(0);
  });

  it('explains its usage and refuses bad arguments', async () => {
    const help = await cli('--help');
    expect(help.code).to.equal(0);
    expect(help.out).to.contain('rebuild').and.to.contain('dead-letters');
    expect((await cli('rebuild', 'no_such_projection')).err).to.contain('unknown projection no_such_projection');
    expect((await cli('rebuild', '--until', '12')).code).to.equal(1);
    expect((await cli('rebuild', '--until', 'soon', '--into', 'x')).code).to.equal(1);
  });
});
