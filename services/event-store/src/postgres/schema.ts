/**
 * The PostgreSQL event store's tables, created from code.
 *
 * One idempotent script (`IF NOT EXISTS` throughout) rather than a versioned migration
 * history: the store is handed a pool, not a URL, and every replica may run this at start.
 * It runs in one transaction holding a transaction-level advisory lock, because concurrent
 * `CREATE TABLE IF NOT EXISTS` can still collide on the catalogue; the lock queues replicas
 * and is released by the commit. A future change that cannot be written idempotently moves
 * to a versioned runner (the kit's knex `migrate`, owner `event_store`).
 *
 * - `events.position` is the global order (see postgres-store.ts for why it is derived
 *   from the transaction id); the primary key makes `$all` reads a range scan.
 * - `unique (stream_id, revision)` is the last guard against two writers taking the same
 *   revision; `unique (stream_id, event_id)` makes a re-sent event a repeat, not a copy.
 * - `streams` holds each stream's last revision (the row appends lock and compare against)
 *   and its tombstone. `streams_case_insensitive_key` refuses a `dream-` stream whose id
 *   differs from an existing one only by case (append-rules.ts `caseInsensitiveKey`); a
 *   database that already holds such a pair fails this script at start, naming the index,
 *   and the pair must be resolved by hand.
 */
import type pg from 'pg';
import { CASE_INSENSITIVE_STREAM_PREFIX } from '../append-rules.js';

export const SCHEMA = 'event_store';

/** Channel that appends NOTIFY after commit; subscribers LISTEN on it. */
export const APPEND_CHANNEL = 'event_store_appended';

const MIGRATION_LOCK = 'hashtext(\'dreamcatcher.event_store.migrate\')';

/** The unique index behind `StreamIdCollisionError`. */
export const CASE_INSENSITIVE_INDEX = 'streams_case_insensitive_key';

const DDL = `
CREATE SCHEMA IF NOT EXISTS ${SCHEMA};

CREATE TABLE IF NOT EXISTS ${SCHEMA}.streams (
  stream_id text PRIMARY KEY,
  revision bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false
);

CREATE TABLE IF NOT EXISTS ${SCHEMA}.events (
  position bigint PRIMARY KEY,
  tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id text NOT NULL,
  revision bigint NOT NULL,
  event_id uuid NOT NULL,
  type text NOT NULL,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_stream_revision_key UNIQUE (stream_id, revision),
  CONSTRAINT events_stream_event_id_key UNIQUE (stream_id, event_id)
);

CREATE UNIQUE INDEX IF NOT EXISTS ${CASE_INSENSITIVE_INDEX} ON ${SCHEMA}.streams (lower(stream_id))
  WHERE stream_id LIKE '${CASE_INSENSITIVE_STREAM_PREFIX}%';
`;

/** Creates the event store's schema and tables when missing; safe to run concurrently and repeatedly. */
export async function migrateEventStore(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await client.query(DDL);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
