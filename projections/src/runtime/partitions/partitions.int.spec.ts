import { randomUUID } from 'node:crypto';
import { inTransaction, projectionQueues } from '@dreamcatcher/service-kit';
import { expect } from 'chai';
import { PROJECTIONS } from '../../registry.js';
import { rebuildAndSwap, verifyProjections } from '../../rebuild/rebuild.js';
import { storeReader } from '../../rebuild/build.js';
import { appendScripts, useReadModelDatabase, type ReadModelDatabase } from '../../testing/harness.js';
import { mixedWorkload, USER_A } from '../../testing/workload.js';
import { applyBatch } from '../apply-batch.js';
import { readCheckpoints } from '../checkpoints.js';
import type { ProjectionEvent } from '../events.js';
import { READ_MODELS_SCHEMA } from '../names.js';
import { readPartitionCheckpoints } from './checkpoints.js';
import { ProjectionPartition } from './partition.js';

const projection = PROJECTIONS.dream_summary;

function partitionsOf(count: number): ProjectionPartition[] {
  return projectionQueues(projection.name, count).map((queue) => new ProjectionPartition(projection.name, { ...queue, partition: queue.partition! }, { schema: READ_MODELS_SCHEMA, pollMs: 10 }));
}

/** What the projector does with a segment of a partition's queue. */
async function applyAs(db: ReadModelDatabase, partition: ProjectionPartition, events: ProjectionEvent[]): Promise<void> {
  await partition.beforeCommit(db.pool, events, new AbortController().signal);
  await inTransaction(db.pool, async (client) => {
    await partition.lock(client);
    await applyBatch(client, projection, events, { schema: READ_MODELS_SCHEMA, readStream: storeReader(db.store), notify: true, owns: partition.owns, checkpoint: partition.checkpoint });
  });
}

async function erase(db: ReadModelDatabase, userId: string): Promise<ProjectionEvent> {
  const metadata = { userId: 'admin', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2026-02-01T00:00:00.000Z', schemaVersion: 1 };
  const appended = await db.store.appendToStream(`user-${userId}`, [{ id: randomUUID(), type: 'UserDataErased', data: { userId }, metadata }]);
  return { eventId: appended.events[0]!.id, type: 'UserDataErased', data: { userId }, metadata, streamId: `user-${userId}`, revision: appended.nextExpectedRevision, position: appended.position };
}

const checkpointOf = async (db: ReadModelDatabase) => (await readCheckpoints(db.pool))[projection.name];

describe('partitioned projection checkpoints', function () {
  this.timeout(60_000);
  const database = useReadModelDatabase('dc_proj_partitions');
  let events: ProjectionEvent[];

  before(async () => {
    events = await appendScripts(database.db.store, mixedWorkload().scripts);
  });

  it('make the projection\'s checkpoint the lowest of its partitions\', once every partition has one', async () => {
    const [p0, p1, p2] = partitionsOf(3) as [ProjectionPartition, ProjectionPartition, ProjectionPartition];
    const half = Math.floor(events.length / 2);
    await applyAs(database.db, p0, events);
    await applyAs(database.db, p1, events);
    expect(await checkpointOf(database.db), 'a partition has applied nothing yet').to.equal(undefined);
    await applyAs(database.db, p2, events.slice(0, half));
    expect(await checkpointOf(database.db)).to.equal(events[half - 1]!.position);
    // The two partitions ahead keep their own checkpoints; a verify compares each stream up to its partition's.
    const rows = await readPartitionCheckpoints(database.db.pool, { projection: projection.name });
    expect(rows.map((row) => [row.partition, row.position])).to.deep.equal([[0, events.at(-1)!.position], [1, events.at(-1)!.position], [2, events[half - 1]!.position]]);
    const report = await verifyProjections({ pool: database.db.pool, store: database.db.store, projections: [projection] });
    expect(report.projections[0]!.differences).to.deep.equal([]);
    await applyAs(database.db, p2, events.slice(half));
    expect(await checkpointOf(database.db)).to.equal(events.at(-1)!.position);
  });

  it('hold every partition at an erasure until all have applied what came before it, and the owner has applied it', async () => {
    const partitions = partitionsOf(3);
    const erasure = await erase(database.db, USER_A);
    const owner = partitions.find((partition) => partition.owns(erasure.streamId))!;
    const others = partitions.filter((partition) => partition !== owner);
    const settled: string[] = [];
    const ownerDone = applyAs(database.db, owner, [erasure]).then(() => settled.push('owner'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(settled, 'the owner waits for the others').to.deep.equal([]);
    const firstDone = applyAs(database.db, others[0]!, [erasure]).then(() => settled.push('first'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(settled, 'one other partition is still before the erasure').to.deep.equal([]);
    await applyAs(database.db, others[1]!, [erasure]);
    await Promise.all([ownerDone, firstDone]);
    expect(settled).to.include.members(['owner', 'first']);
    expect(await checkpointOf(database.db)).to.equal(erasure.position);
    const { rows } = await database.db.pool.query('SELECT 1 FROM read_models.dream_summary WHERE owner_id = $1', [USER_A]);
    expect(rows, "the erased user's rows").to.have.length(0);
  });

  it('are raised to a rebuild\'s position by its swap, and rows of another partitioning go', async () => {
    await database.db.pool.query("INSERT INTO read_models.projection_partition_checkpoints (projection, partitions, partition, position, updated_at) VALUES ($1, 2, 0, 1, now() - interval '1 hour')", [projection.name]);
    const report = await rebuildAndSwap({ pool: database.db.pool, store: database.db.store, projections: [projection] });
    const rows = await readPartitionCheckpoints(database.db.pool, { projection: projection.name });
    expect(rows.map((row) => [row.partitions, row.partition, row.position.toString()])).to.deep.equal([0, 1, 2].map((index) => [3, index, report.position]));
    expect((await verifyProjections({ pool: database.db.pool, store: database.db.store, projections: [projection] })).identical).to.equal(true);
  });
});
