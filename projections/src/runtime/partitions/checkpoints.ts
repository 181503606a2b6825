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
import { READ_MODELS_SCHEMA } from '../names.js';
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
 * NOTIFY when `notify`). Returns the partition's checkpoint.
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
    `INSERT INTO ${table} AS t (projection, partitions, partition, position) VALUES ($1, $2, $3, $4)
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

/** The partition count a projection's replicas wrote most recently (undefined: never partitioned). */
function currentCount(rows: PartitionCheckpoint[]): number | undefined {
  let latest: PartitionCheckpoint | undefined;
  for (const row of rows) if (!latest || row.updatedAt > latest.updatedAt) latest = row;
  return latest && latest.partitions > 1 ? latest.partitions : undefined;
}

/**
 * For a partitioned projection, how far each stream's events are applied: the checkpoint of
 * the stream's partition (-1 when that partition has applied nothing). Undefined for a
 * projection that is not partitioned: its one checkpoint covers every stream.
 */
export async function partitionHorizon(
  db: pg.Pool | pg.ClientBase,
  projection: string,
  partitionOf: (streamId: string, count: number) => number,
  schema = READ_MODELS_SCHEMA,
): Promise<((streamId: string) => bigint) | undefined> {
  const rows = await readPartitionCheckpoints(db, { projection, schema });
  const count = currentCount(rows);
  if (count === undefined) return undefined;
  const positions = new Map(rows.filter((row) => row.partitions === count).map((row) => [row.partition, row.position]));
  return (streamId) => positions.get(partitionOf(streamId, count)) ?? -1n;
}

/**
 * After a rebuild's swap: the new tables hold everything up to `position`, whatever partition
 * applies it. `updated_at` stays, so it still tells which partition count is current.
 */
export async function raisePartitionCheckpoints(client: pg.ClientBase, projection: string, position: bigint, schema = READ_MODELS_SCHEMA): Promise<void> {
  await client.query(`UPDATE ${qualified(schema, PARTITION_CHECKPOINTS_TABLE)} SET position = GREATEST(position, $2) WHERE projection = $1`, [projection, position]);
}
