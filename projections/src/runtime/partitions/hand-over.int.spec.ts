/**
 * A partition queue changing hands between two consumers of it (single active consumer): a
 * hand-back to the partition's own replica, and a graceful stop. The partition's checkpoint
 * and the erasure barrier count on its events being applied in queue order, so the consumer
 * giving the queue up must finish the batch it is applying and hand back the rest, never
 * let the next consumer apply later events while it still applies earlier ones.
 */
import { expect } from 'chai';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { PROJECTIONS } from '../../registry.js';
import { storeReader } from '../../rebuild/build.js';
import { DreamScript } from '../../testing/dream-script.js';
import { appendScripts, publishEnvelope, quietLogger, useReadModelDatabase, useTestBroker } from '../../testing/harness.js';
import { Projector } from '../consumer.js';
import { READ_MODELS_SCHEMA } from '../names.js';
import { readPartitionCheckpoints } from './checkpoints.js';
import { partitionOf } from './hash.js';
import { consumersOf } from './replicas.js';

const projection = PROJECTIONS.dream_summary;
const PARTITIONS = 2;
const DREAMS = 300;

describe('a partition changing hands', function () {
  this.timeout(60_000);
  const projectors: Projector[] = [];
  const test = useTestBroker('dc_proj_handover', async () => {
    for (const projector of projectors) await projector.stop();
  });
  const database = useReadModelDatabase('dc_proj_handover');

  /** A consumer of partition 0, one transaction per message so that a hand-over finds a full buffer. */
  function consumer(): Projector {
    const own = consumersOf(projection, { count: PARTITIONS, index: 0 }, { batchSize: 1, prefetch: 100 }).find((c) => !c.standby)!;
    const projector = new Projector({ pool: database.db.pool, readStream: storeReader(database.db.store), logger: quietLogger() }, own.options);
    projectors.push(projector);
    return projector;
  }

  it('applies its events in queue order when the active consumer hands it back and when it stops', async () => {
    const scripts: DreamScript[] = [];
    while (scripts.length < DREAMS) {
      const script = new DreamScript('ana').created();
      if (partitionOf(script.streamId, PARTITIONS) === 0) scripts.push(script);
    }
    const events = await appendScripts(database.db.store, scripts);
    const { connection, publisher } = test.broker;
    const first = consumer();
    const second = consumer();
    await first.attach(connection);
    await second.attach(connection);
    for (const event of events) publishEnvelope(publisher, event);
    await publisher.waitForConfirms();

    await eventually(() => first.stats.messages >= 5, { what: 'the first consumer to apply a few messages' });
    await first.resubscribe(connection);
    const firstBefore = first.stats.messages;
    await eventually(() => second.stats.messages >= 5, { what: 'the second consumer to take the partition over' });
    await second.stop();
    const last = events.at(-1)!.position;
    await eventually(async () => (await readPartitionCheckpoints(database.db.pool, { projection: projection.name })).find((row) => row.partition === 0)?.position === last, {
      timeoutMs: 30_000,
      what: 'partition 0 to reach the last event',
    });
    expect(first.stats.messages + second.stats.messages).to.be.at.least(DREAMS);
    expect(second.stats.messages, 'the second consumer applied part of the queue').to.be.at.least(5);
    expect(first.stats.messages, 'the first consumer applied again after the second stopped').to.be.greaterThan(firstBefore);

    // Each stream's tracker row was written by the transaction that applied its one event, and
    // transaction ids follow the partition lock; so in transaction order the positions must rise.
    const { rows } = await database.db.pool.query<{ stream_id: string }>(
      `SELECT stream_id FROM ${READ_MODELS_SCHEMA}.${projection.name}_streams ORDER BY xmin::text::bigint`,
    );
    expect(rows).to.have.length(DREAMS);
    const positionOf = new Map(events.map((event) => [event.streamId, event.position]));
    const outOfOrder = rows.flatMap((row, index) => {
      const previous = rows[index - 1];
      return previous && positionOf.get(previous.stream_id)! > positionOf.get(row.stream_id)! ? [`${previous.stream_id} applied before ${row.stream_id}`] : [];
    });
    expect(outOfOrder.length, `events applied after a later event of the partition, e.g. ${outOfOrder.slice(0, 3).join('; ')}`).to.equal(0);
  });
});
