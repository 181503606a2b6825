import { expect } from 'chai';
import { Registry } from '@dreamcatcher/service-kit';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { getDreamDetail } from '../dream_detail/queries.js';
import { getDreamSummary } from '../dream_summary/queries.js';
import { PROJECTIONS } from '../registry.js';
import { storeReader } from '../rebuild/build.js';
import { Clock, DreamScript } from '../testing/dream-script.js';
import { appendScripts, publishEnvelope, quietLogger, useReadModelDatabase, useTestBroker } from '../testing/harness.js';
import { USER_A, USER_B } from '../testing/workload.js';
import { Projector, projectorOptions } from './consumer.js';
import type { ProjectionEvent } from './events.js';
import { createProjectorMetrics } from './metrics.js';
import { withReaderScope } from './reader-scope.js';

/** Events of `script` as if stored at revisions from 0 and positions after `after` (the store itself refuses such a stream). */
function unstored(script: DreamScript, after: bigint): ProjectionEvent[] {
  return script.events.map((event, index) => ({
    eventId: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    streamId: script.streamId,
    revision: BigInt(index),
    position: after + BigInt(index + 1),
  }));
}

describe('projector owner guard (RabbitMQ)', function () {
  this.timeout(30_000);
  let summary: Projector;
  let detail: Projector;
  const test = useTestBroker('dc_owner_guard', async () => {
    await summary?.stop();
    await detail?.stop();
  });
  const database = useReadModelDatabase('dc_owner_guard');
  const registry = new Registry();
  const metrics = createProjectorMetrics(registry);

  before(async () => {
    const deps = { pool: database.db.pool, readStream: storeReader(database.db.store), logger: quietLogger(), metrics };
    const retry = { attempts: 3, initialDelayMs: 5, maxDelayMs: 20 };
    summary = new Projector(deps, projectorOptions(PROJECTIONS.dream_summary, { batchSize: 20, prefetch: 50, retry }));
    detail = new Projector(deps, projectorOptions(PROJECTIONS.dream_detail, { batchSize: 20, prefetch: 50, retry }));
    await summary.attach(test.broker.connection);
    await detail.attach(test.broker.connection);
  });

  async function publish(events: ProjectionEvent[]): Promise<void> {
    for (const event of events) publishEnvelope(test.broker.publisher, event);
    await test.broker.publisher.waitForConfirms();
  }

  const foreignFailures = async (projection: string) =>
    (await metrics.failures.get()).values.find((value) => value.labels.projection === projection && value.labels.kind === 'foreign_stream')?.value ?? 0;

  it("refuses another user's stream that spells a dream's id in upper case, dead-letters it at once, and keeps the owner's rows", async () => {
    const clock = new Clock();
    const alice = new DreamScript(USER_A, clock).created({ title: "Alice's dream" }).captured();
    const aliceEvents = await appendScripts(database.db.store, [alice]);
    await publish(aliceEvents);
    await eventually(async () => (await withReaderScope(database.db.pool, USER_A, (client) => getDreamDetail(client, USER_A, alice.dreamId)))?.title === "Alice's dream", { what: "alice's dream projected" });

    const seen = { summary: summary.stats.deadLettered, detail: detail.stats.deadLettered };
    const bob = new DreamScript(USER_B, clock, alice.dreamId.toUpperCase()).created({ title: 'Taken over' }).detailsChanged({ title: 'Still mine?' });
    const foreign = unstored(bob, aliceEvents.at(-1)!.position);
    await publish(foreign);
    await eventually(() => summary.stats.deadLettered === seen.summary + foreign.length && detail.stats.deadLettered === seen.detail + foreign.length, { what: 'every foreign event dead-lettered' });

    expect(await foreignFailures('dream_summary')).to.equal(foreign.length);
    expect(await foreignFailures('dream_detail')).to.equal(foreign.length);
    const asAlice = await withReaderScope(database.db.pool, USER_A, (client) => getDreamSummary(client, USER_A, alice.dreamId));
    expect(asAlice).to.include({ title: "Alice's dream" });
    expect(await withReaderScope(database.db.pool, USER_B, (client) => getDreamSummary(client, USER_B, alice.dreamId))).to.equal(undefined);
    expect(await withReaderScope(database.db.pool, USER_B, (client) => getDreamDetail(client, USER_B, alice.dreamId))).to.equal(undefined);
  });
});
