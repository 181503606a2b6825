/**
 * Checkpoints of a partitioned projection. Every partition sees every event (its queue is
 * bound to all of them) but applies only its own streams, so its checkpoint means "every
 * event up to here that belongs to me is applied" and advances over the others' events too,
 * even while its own streams are quiet. The projection's checkpoint — the row the gateway
 * waits on for read-your-writes and lag is measured from — is the lowest of its partitions'
 * checkpoints, kept in the same transaction as each partition's batch: exact, and never
 * ahead of any partition.
 *
 * Locks: a partition's batch takes the projection's advisory lock *shared* (a rebuild's swap,
 * which takes it exclusively, still pauses every partition) and its own partition lock
 * exclusively (two replicas of one partition never apply at once). Computing the minimum
 * takes a third lock at the very end of the batch, so concurrent partitions' commits are
 * serialised only there and the last to commit always sees the others' rows.
 */
import type pg from 'pg';
import { advanceCheckpoint } from '../checkpoints.js';
import { CHECKPOINTS_TABLE, READ_MODELS_SCHEMA } from '../names.js';
import { qualified } from '../table.js';

export const PARTITION_CHECKPOINTS_TABLE = 'projection_partition_checkpoints';

export interface PartitionId {
  index: number;
  count: number;
}

export interface PartitionCheckpoint {
  projection: string;
  partitions: number;
  partition: number;
  position: bigint;
  updatedAt: string;
}

export function partitionCheckpointsTableSql(schema: string): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(schema, PARTITION_CHECKPOINTS_TABLE)} (
    projection text NOT NULL,
    partitions int NOT NULL,
    partition int NOT NULL,
    position bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (projection, partitions, partition)
  )`;
}

/** Pauses for a rebuild's swap (shared projection lock) and excludes the partition's other replicas. */
export async function lockPartition(client: pg.ClientBase, projection: string, partition: PartitionId): Promise<void> {
  await client.query(
    "SELECT pg_advisory_xact_lock_shared(hashtext('dreamcatcher.projection.' || $1)), pg_advisory_xact_lock(hashtext('dreamcatcher.projection.' || $1 || '.p' || $2::text || '/' || $3::text))",
    [projection, partition.index, partition.count],
  );
}

/**
 * Raises the partition's checkpoint to `position` (never lowers it), then the projection's
 * checkpoint to the lowest of its partitions' once every partition has one (with the usual
 * NOTIFY when `notify`). Returns the partition's checkpoint. A partition's first row starts
 * no lower than the projection's checkpoint: that exists before all partitions have written
 * only after a rebuild, whose tables hold every stream up to it.
 */
export async function advancePartitionCheckpoint(
  client: pg.ClientBase,
  schema: string,
  projection: string,
  partition: PartitionId,
  position: bigint,
  { notify = true } = {},
): Promise<bigint> {
  const table = qualified(schema, PARTITION_CHECKPOINTS_TABLE);
  const { rows } = await client.query<{ position: bigint }>(
    `INSERT INTO ${table} AS t (projection, partitions, partition, position)
     VALUES ($1, $2, $3, GREATEST($4::bigint, (SELECT position FROM ${qualified(schema, CHECKPOINTS_TABLE)} WHERE projection = $1)))
     ON CONFLICT (projection, partitions, partition) DO UPDATE SET position = GREATEST(t.position, excluded.position), updated_at = now()
     RETURNING position`,
    [projection, partition.count, partition.index, position],
  );
  await client.query("SELECT pg_advisory_xact_lock(hashtext('dreamcatcher.projection-checkpoint.' || $1))", [projection]);
  const { rows: low } = await client.query<{ n: number; low: bigint | null }>(
    `SELECT count(*)::int AS n, min(position) AS low FROM ${table} WHERE projection = $1 AND partitions = $2 AND partition < $2`,
    [projection, partition.count],
  );
  const { n, low: lowest } = low[0]!;
  if (n === partition.count && lowest !== null) await advanceCheckpoint(client, schema, projection, BigInt(lowest), { notify });
  return BigInt(rows[0]!.position);
}

/** Every partition checkpoint (of one projection when named), by projection and partition. */
export async function readPartitionCheckpoints(db: pg.Pool | pg.ClientBase, { projection, schema = READ_MODELS_SCHEMA }: { projection?: string; schema?: string } = {}): Promise<PartitionCheckpoint[]> {
  const { rows } = await db.query<{ projection: string; partitions: number; partition: number; position: bigint | string; updated_at: Date }>(
    `SELECT projection, partitions, partition, position, updated_at FROM ${qualified(schema, PARTITION_CHECKPOINTS_TABLE)}
     WHERE $1::text IS NULL OR projection = $1 ORDER BY projection, partitions, partition`,
    [projection ?? null],
  );
  return rows.map((row) => ({ projection: row.projection, partitions: row.partitions, partition: row.partition, position: BigInt(row.position), updatedAt: row.updated_at.toISOString() }));
}

/**
 * The partition checkpoints of each projection that is partitioned now, by projection: the
 * rows of the partition count written most recently. A projection is partitioned now when a
 * partition row is at least as recent as its own checkpoint row (partitions write both in one
 * transaction); an unpartitioned projector writing after them leaves its row the newer.
 */
export async function currentPartitions(db: pg.Pool | pg.ClientBase, schema = READ_MODELS_SCHEMA): Promise<Map<string, PartitionCheckpoint[]>> {
  const { rows } = await db.query<{ projection: string; partitions: number; partition: number; position: bigint | string; updated_at: Date; main_at: Date | null }>(
    `SELECT p.projection, p.partitions, p.partition, p.position, p.updated_at, c.updated_at AS main_at
     FROM ${qualified(schema, PARTITION_CHECKPOINTS_TABLE)} p LEFT JOIN ${qualified(schema, CHECKPOINTS_TABLE)} c USING (projection)
     ORDER BY p.projection, p.partitions, p.partition`,
  );
  const current = new Map<string, PartitionCheckpoint[]>();
  for (const projection of new Set(rows.map((row) => row.projection))) {
    const own = rows.filter((row) => row.projection === projection);
    const latest = own.reduce((a, b) => (b.updated_at > a.updated_at ? b : a));
    if (latest.main_at && latest.main_at > latest.updated_at) continue;
    current.set(
      projection,
      own.filter((row) => row.partitions === latest.partitions).map((row) => ({ projection, partitions: row.partitions, partition: row.partition, position: BigInt(row.position), updatedAt: row.updated_at.toISOString() })),
    );
  }
  return current;
}

/**
 * For a partitioned projection (its `currentPartitions` rows), how far each stream's events
 * are applied: the checkpoint of the stream's partition (the projection's when that partition
 * has none yet). Undefined for a projection that is not partitioned: its one checkpoint covers
 * every stream.
 */
export function partitionHorizon(
  rows: readonly PartitionCheckpoint[] | undefined,
  partitionOf: (streamId: string, count: number) => number,
  projectionCheckpoint: bigint,
): ((streamId: string) => bigint) | undefined {
  const count = rows?.[0]?.partitions;
  if (!rows || count === undefined) return undefined;
  const positions = new Map(rows.map((row) => [row.partition, row.position]));
  // A partition without a row has applied nothing, unless a rebuild put the projection's checkpoint in place.
  return (streamId) => positions.get(partitionOf(streamId, count)) ?? projectionCheckpoint;
}

/**
 * In a rebuild's swap (with the projection's checkpoint moved to `position` in the same
 * transaction): the new tables hold everything up to `position` whatever partition applies
 * it, so the current partitions are raised to it, and rows of any other partitioning go.
 */
export async function settlePartitionCheckpoints(client: pg.ClientBase, projection: string, position: bigint, schema = READ_MODELS_SCHEMA): Promise<void> {
  const count = (await currentPartitions(client, schema)).get(projection)?.[0]?.partitions ?? 0;
  const table = qualified(schema, PARTITION_CHECKPOINTS_TABLE);
  await client.query(`DELETE FROM ${table} WHERE projection = $1 AND partitions <> $2`, [projection, count]);
  await client.query(`UPDATE ${table} SET position = GREATEST(position, $2), updated_at = now() WHERE projection = $1`, [projection, position]);
}
