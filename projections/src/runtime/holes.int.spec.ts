import { expect } from 'chai';
import { createMetricsRegistry } from '@dreamcatcher/service-kit';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { runCli } from '../cli.js';
import { getDreamSummary } from '../dream_summary/queries.js';
import { storeReader } from '../rebuild/build.js';
import { rebuildAndSwap } from '../rebuild/rebuild.js';
import { PROJECTIONS } from '../registry.js';
import { Clock, DreamScript } from '../testing/dream-script.js';
import { fragileSummary } from '../testing/fragile.js';
import { appendScripts, publishEnvelope, quietLogger, useReadModelDatabase, useTestBroker } from '../testing/harness.js';
import { USER_A } from '../testing/workload.js';
import { Projector, projectorOptions } from './consumer.js';
import type { ProjectionEvent } from './events.js';
import { holesGauge, listHoles } from './holes.js';
import { READ_MODELS_SCHEMA } from './names.js';
import { withReaderScope } from './reader-scope.js';

const fragile = fragileSummary;

describe('projection holes', function () {
  this.timeout(30_000);
  let projector: Projector;
  const test = useTestBroker('dc_proj_holes', async () => projector?.stop());
  const database = useReadModelDatabase('dc_proj_holes');

  before(async () => {
    const deps = { pool: database.db.pool, readStream: storeReader(database.db.store), logger: quietLogger() };
    projector = new Projector(deps, projectorOptions(fragile, { batchSize: 20, prefetch: 50, retry: { attempts: 2, initialDelayMs: 5, maxDelayMs: 10 } }));
    await projector.attach(test.broker.connection);
  });

  async function publish(events: ProjectionEvent[]): Promise<void> {
    for (const event of events) publishEnvelope(test.broker.publisher, event);
    await test.broker.publisher.waitForConfirms();
  }
  const settled = (messages: number) => eventually(() => projector.stats.messages >= messages, { what: `${messages} messages finished` });
  const summaryOf = (dreamId: string) => withReaderScope(database.db.pool, USER_A, (client) => getDreamSummary(client, USER_A, dreamId));

  it("records a dead-lettered event as a hole, applies its stream's later events, and says so in /ready and the gauge", async () => {
    const registry = createMetricsRegistry('projector');
    const whole = holesGauge(registry, database.db.pool, READ_MODELS_SCHEMA, [fragile.name]);
    expect(await whole()).to.deep.equal({ ok: true });

    const dream = new DreamScript(USER_A, new Clock()).created({ title: 'Before' }).captured('Bad', 'poison').detailsChanged({ title: 'After' }).captured('Good', 'fine');
    const [created, poison, renamed, captured] = await appendScripts(database.db.store, [dream]);
    await publish([created!, poison!]);
    await settled(2);
    expect(projector.stats.deadLettered).to.equal(1);
    const holes = await listHoles(database.db.pool, READ_MODELS_SCHEMA, fragile.name);
    expect(holes).to.deep.equal([{ projection: 'dream_summary', streamId: dream.streamId, revision: 1n, reason: 'cannot apply this one' }]);

    // The next events refetch the gap, skip the hole and are applied, one at a time and in a batch.
    await publish([renamed!]);
    await settled(3);
    await publish([captured!]);
    await settled(4);
    expect(projector.stats.deadLettered).to.equal(1);
    expect(await summaryOf(dream.dreamId)).to.include({ title: 'After', fragmentCount: 1 });

    const ready = await whole();
    expect(ready).to.include({ ok: false, behind: true });
    expect(ready.detail).to.contain('dream_summary').and.to.contain(`${dream.streamId}@1`).and.to.contain('cannot apply this one');
    const gauge = (await registry.metrics()).split('\n').filter((line) => line.startsWith('projection_holes{'));
    expect(gauge).to.deep.equal(['projection_holes{projection="dream_summary",service="projector"} 1']);

    const cli = async (...argv: string[]) => {
      const out: string[] = [];
      const code = await runCli(['--json', ...argv], { DATABASE_URL: database.db.url, AMQP_URL: test.broker.url }, { out: (text) => out.push(text), err: (text) => out.push(text) });
      return { code, body: JSON.parse(out.join('\n')) as unknown };
    };
    expect(await cli('holes', 'list')).to.deep.equal({ code: 0, body: [{ projection: 'dream_summary', streamId: dream.streamId, revision: '1', reason: 'cannot apply this one' }] });
    expect(await cli('holes', 'clear', 'dream_summary')).to.deep.equal({ code: 0, body: { cleared: 1 } });
    expect(await whole()).to.deep.equal({ ok: true });
  });

  it('skips a known hole in a batch that also holds the poison event again', async () => {
    const dream = new DreamScript(USER_A, new Clock()).created({ title: 'Batch' }).captured('Bad', 'poison').detailsChanged({ title: 'Batch after' });
    const events = await appendScripts(database.db.store, [dream]);
    const seen = projector.stats.messages;
    await publish(events);
    await settled(seen + 3);
    expect(await summaryOf(dream.dreamId)).to.include({ title: 'Batch after', fragmentCount: 0 });
    expect((await listHoles(database.db.pool, READ_MODELS_SCHEMA)).map((hole) => [hole.streamId, hole.revision])).to.deep.equal([[dream.streamId, 1n]]);

    // Once the cause is gone, a rebuild applies every event, and the holes go with it.
    await rebuildAndSwap({ pool: database.db.pool, store: database.db.store, projections: [PROJECTIONS.dream_summary] });
    expect(await summaryOf(dream.dreamId)).to.include({ title: 'Batch after', fragmentCount: 1 });
    expect(await listHoles(database.db.pool, READ_MODELS_SCHEMA)).to.deep.equal([]);
  });
});
