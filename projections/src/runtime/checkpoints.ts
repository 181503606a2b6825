/**
 * Each projection's checkpoint: the highest store position it has applied, written in the
 * same transaction as the read model changes. After each committed batch PostgreSQL
 * delivers `NOTIFY projection_checkpoints, '<projection>:<position>'` (the NOTIFY is queued
 * inside the transaction, so it goes out only on commit, and repeats within one transaction
 * are coalesced). The gateway waits on these for read-your-writes.
 */
import type pg from 'pg';
import { CHECKPOINT_CHANNEL, CHECKPOINTS_TABLE, READ_MODELS_SCHEMA } from './names.js';
import { qualified } from './table.js';

export function checkpointsTableSql(schema: string): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(schema, CHECKPOINTS_TABLE)} (
    projection text PRIMARY KEY,
    position bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`;
}

/** Raises the checkpoint to `position` (never lowers it) and queues the notification; returns the checkpoint. */
export async function advanceCheckpoint(
  client: pg.ClientBase,
  schema: string,
  projection: string,
  position: bigint,
  { notify = true, exact = false } = {},
): Promise<bigint> {
  const table = qualified(schema, CHECKPOINTS_TABLE);
  const { rows } = await client.query<{ position: bigint }>(
    `INSERT INTO ${table} AS t (projection, position, updated_at) VALUES ($1, $2, now())
     ON CONFLICT (projection) DO UPDATE SET position = ${exact ? 'excluded.position' : 'GREATEST(t.position, excluded.position)'}, updated_at = now()
     RETURNING position`,
    [projection, position],
  );
  const checkpoint = rows[0]!.position;
  if (notify) await client.query('SELECT pg_notify($1, $2)', [CHECKPOINT_CHANNEL, `${projection}:${checkpoint}`]);
  return checkpoint;
}

/** Every projection's checkpoint (projections that never applied anything are absent). */
export async function readCheckpoints(db: pg.Pool | pg.ClientBase, schema = READ_MODELS_SCHEMA): Promise<Record<string, bigint>> {
  const { rows } = await db.query<{ projection: string; position: bigint | string }>(`SELECT projection, position FROM ${qualified(schema, CHECKPOINTS_TABLE)}`);
  return Object.fromEntries(rows.map((row) => [row.projection, BigInt(row.position)]));
}

/** Parses a `projection_checkpoints` notification payload; undefined when malformed. */
export function parseCheckpointNotification(payload: string | undefined): { projection: string; position: bigint } | undefined {
  const match = /^([a-z_]+):(0|[1-9][0-9]*)$/.exec(payload ?? '');
  return match ? { projection: match[1]!, position: BigInt(match[2]!) } : undefined;
}

/**
 * Serialises batches of one projection across processes (replicas, a rebuild's swap):
 * every batch transaction takes this lock first, so whoever holds it pauses the projector.
 */
export async function lockProjection(client: pg.ClientBase, projection: string): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock(hashtext('dreamcatcher.projection.' || $1))", [projection]);
}
