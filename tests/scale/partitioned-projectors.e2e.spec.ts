/**
 * Three replicas of a partitioned projector (3 partitions of dream_detail, user_activity and
 * catalogue), each a real process, under concurrent writers with erasures mid-run; one
 * replica is killed, started again while the writers go on, and gets its partition back from
 * the peer that took it over, just before the second erasure. Throughout, a projection's
 * checkpoint must be exact (every event up to it applied: what read-your-writes waits on); at
 * the end its partitions, its stream trackers and a rebuild (`rebuild --verify`) must agree
 * with the store.
 */
import { eraseSubject } from '@dreamcatcher/audit';
import { partitionOf, readCheckpoints, readPartitionCheckpoints, selectProjections, verifyProjections } from '@dreamcatcher/projections';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { expect } from 'chai';
import { consumedQueues, startCluster, type ScaleCluster } from './cluster.js';
import { seededRandom } from '../support/random.js';
import { DreamWriter, runWorkload } from './workload.js';

const PROJECTIONS = ['dream_detail', 'user_activity', 'catalogue'];
const PARTITIONS = 3;
const USERS = ['ana', 'bo', 'cy', 'di', 'ed', 'flo'];

/** Every event up to the projection's checkpoint is applied: each stream's tracker is at least its last revision at or below it. */
async function checkExact(cluster: ScaleCluster, projection: string): Promise<bigint | undefined> {
  const client = await cluster.pool.connect();
  let checkpoint: bigint | undefined;
  let trackers: Map<string, bigint>;
  try {
    // One snapshot for the checkpoint and the trackers, as a reader of the read model sees them.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    checkpoint = (await readCheckpoints(client))[projection];
    const { rows } = await client.query<{ stream_id: string; revision: string }>(`SELECT stream_id, revision::text FROM read_models.${projection}_streams`);
    trackers = new Map(rows.map((row) => [row.stream_id, BigInt(row.revision)]));
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  if (checkpoint === undefined) return undefined;
  const { rows } = await cluster.pool.query<{ stream_id: string; revision: string }>(
    'SELECT stream_id, max(revision)::text AS revision FROM event_store.events WHERE position <= $1 GROUP BY stream_id',
    [checkpoint],
  );
  const behind = rows.filter((row) => (trackers.get(row.stream_id) ?? -1n) < BigInt(row.revision));
  expect(behind, `${projection} claims position ${checkpoint} but has not applied these streams up to it`).to.deep.equal([]);
  return checkpoint;
}

describe('partitioned projectors: 3 replicas, 3 partitions, a concurrent workload', function () {
  this.timeout(300_000);
  let cluster: ScaleCluster;

  before(async () => {
    // Each replica subscribes its own partition first and the others, as standby, some seconds later.
    cluster = await startCluster({ projections: PROJECTIONS, partitions: PARTITIONS, replicas: 3 });
  });

  after(async () => {
    await cluster?.stop();
  });

  it('keeps every dream in order and every checkpoint exact, survives losing a replica, and equals a rebuild', async () => {
    const erased = new Set<string>();
    const exactChecks: bigint[] = [];
    let killed = false;
    let linesBefore = 0;
    await runWorkload({
      store: cluster.store,
      users: USERS,
      dreamsPerUser: 8,
      writers: 6,
      events: 2_400,
      seed: 42,
      erased,
      onProgress: async (written) => {
        if (written === 500 || written === 1_700) {
          const user = written === 500 ? 'bo' : 'ed';
          erased.add(user);
          await eraseSubject(cluster.store, cluster.keys, user, { actor: 'admin' });
        }
        if (written === 1_100) {
          await cluster.running.kill(cluster.replica(1));
          killed = true;
        }
        if (written === 1_500) {
          // Back while the writers go on: the hand-back of its partition overlaps writes and the next erasure.
          linesBefore = (cluster.logs.get(cluster.replica(1)) ?? []).length;
          cluster.running.start(cluster.replica(1));
          await cluster.ready(cluster.replica(1));
        }
        if (written % 300 === 0) {
          for (const projection of PROJECTIONS) {
            const checkpoint = await checkExact(cluster, projection);
            if (checkpoint !== undefined) exactChecks.push(checkpoint);
          }
        }
      },
    });
    expect(killed).to.equal(true);

    // The restarted replica stood by on its own partition; the peer that took it over gives it
    // back as soon as it sees the replica running and the partition busy (a trickle of events
    // keeps the partitions busy from here on, as a live system would).
    const ownAgain = () => new Set(consumedQueues((cluster.logs.get(cluster.replica(1)) ?? []).slice(linesBefore)).filter((queue) => queue.endsWith('.p1'))).size;
    const trickle = new DreamWriter('hal');
    const random = seededRandom(3);
    await eventually(
      async () => {
        const { nextExpectedRevision } = await cluster.store.appendToStream(trickle.streamId, [trickle.next(random, { personal: true })], { expectedRevision: trickle.revision });
        trickle.revision = nextExpectedRevision;
        return ownAgain() === PROJECTIONS.length;
      },
      { timeoutMs: 120_000, intervalMs: 200, what: 'the restarted replica to get its partition back' },
    );
    const gaveBack = [0, 2].flatMap((index) => (cluster.logs.get(cluster.replica(index)) ?? []).filter((line) => line.includes('giving a partition back')));
    expect(gaveBack.length, 'peers gave partition 1 back').to.be.at.least(PROJECTIONS.length);

    // Every committed event: the store's readable head can lag behind it while a long transaction anywhere in the cluster runs.
    const { rows: heads } = await cluster.pool.query<{ head: string }>('SELECT max(position)::text AS head FROM event_store.events');
    const head = BigInt(heads[0]!.head);
    await eventually(
      async () => {
        const checkpoints = await readCheckpoints(cluster.pool);
        return PROJECTIONS.every((projection) => (checkpoints[projection] ?? -1n) >= head);
      },
      { timeoutMs: 120_000, intervalMs: 250, what: 'every projection to reach the store head' },
    );
    expect(exactChecks.length, 'checkpoints checked while the workload ran').to.be.at.least(PROJECTIONS.length * 4);
    for (const projection of PROJECTIONS) await checkExact(cluster, projection);

    // Every partition reached the head, the dead replica's own partition too: a standby took it over.
    const partitions = await readPartitionCheckpoints(cluster.pool);
    for (const projection of PROJECTIONS) {
      const own = partitions.filter((row) => row.projection === projection && row.partitions === PARTITIONS);
      expect(own.map((row) => row.partition), projection).to.deep.equal([0, 1, 2]);
      for (const row of own) expect(row.position >= head, `${projection} partition ${row.partition}`).to.equal(true);
    }
    const queuesOf = (index: number) => consumedQueues(cluster.logs.get(cluster.replica(index)) ?? []);
    for (const projection of PROJECTIONS) {
      const p1 = `dreamcatcher.projection.${projection}.p1`;
      expect(queuesOf(1), 'replica 1 consumed its own partition before it was killed').to.include(p1);
      expect([...queuesOf(0), ...queuesOf(2)], `a peer took ${p1} over`).to.include(p1);
      expect(queuesOf(0)).to.include(`dreamcatcher.projection.${projection}.p0`);
      expect(queuesOf(2)).to.include(`dreamcatcher.projection.${projection}.p2`);
    }

    // Order: each stream's tracker is at the stream's last revision, in every projection.
    const { rows: last } = await cluster.pool.query<{ stream_id: string; revision: string }>('SELECT stream_id, max(revision)::text AS revision FROM event_store.events GROUP BY stream_id');
    for (const projection of PROJECTIONS) {
      const { rows } = await cluster.pool.query<{ stream_id: string; revision: string }>(`SELECT stream_id, revision::text FROM read_models.${projection}_streams`);
      const trackers = new Map(rows.map((row) => [row.stream_id, row.revision]));
      for (const row of last) expect(trackers.get(row.stream_id), `${projection} ${row.stream_id}`).to.equal(row.revision);
    }

    // The live read models equal a rebuild from the store.
    const report = await verifyProjections({ pool: cluster.pool, store: cluster.store, projections: selectProjections(PROJECTIONS) });
    expect(report.projections.flatMap((p) => p.differences), 'differences from a rebuild').to.deep.equal([]);
    expect(report.identical).to.equal(true);

    // A quiet partition does not hold read-your-writes back: one event to a dream of partition 0
    // alone is reached by the projection, since partitions 1 and 2 checkpoint past it.
    let writer: DreamWriter;
    do writer = new DreamWriter('gil');
    while (partitionOf(writer.streamId, PARTITIONS) !== 0);
    const { position } = await cluster.store.appendToStream(writer.streamId, [writer.next(seededRandom(1), { personal: true })], { expectedRevision: 'no_stream' });
    await eventually(
      async () => {
        const checkpoints = await readCheckpoints(cluster.pool);
        return PROJECTIONS.every((projection) => (checkpoints[projection] ?? -1n) >= position);
      },
      { timeoutMs: 30_000, what: 'the checkpoints to pass one event of one partition' },
    );
    for (const projection of PROJECTIONS) await checkExact(cluster, projection);
  });
});
