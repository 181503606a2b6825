/**
 * The relay's checkpoint: the highest store position P such that every event up to P has
 * been confirmed by the broker. A relay (re)starts after it, so nothing is skipped; events
 * after it may be published twice, which consumers absorb (they dedupe).
 */
import { migrate, type Logger, type Migration } from '@dreamcatcher/service-kit';
import type pg from 'pg';

export const RELAY_SCHEMA = 'relay';

export const RELAY_MIGRATIONS: Migration[] = [
  {
    name: '001_relay_checkpoints',
    async up(knex) {
      await knex.raw(`
        CREATE SCHEMA IF NOT EXISTS ${RELAY_SCHEMA};
        CREATE TABLE IF NOT EXISTS ${RELAY_SCHEMA}.checkpoints (
          name text PRIMARY KEY,
          position bigint NOT NULL,
          updated_at timestamptz NOT NULL DEFAULT now()
        );
      `);
    },
  },
];

/** Creates the relay's tables (idempotent; replicas starting together queue on the kit's lock). */
export async function migrateRelay(url: string, logger?: Logger): Promise<void> {
  await migrate({ url, owner: RELAY_SCHEMA, migrations: RELAY_MIGRATIONS, ...(logger ? { logger } : {}) });
}

/** A pool or a single client: both answer `query`. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

/** The checkpoint, or undefined when this relay has never confirmed anything (start from the beginning). */
export async function readCheckpoint(db: Queryable, name: string): Promise<bigint | undefined> {
  const { rows } = await db.query<{ position: bigint }>(`SELECT position FROM ${RELAY_SCHEMA}.checkpoints WHERE name = $1`, [name]);
  return rows[0] ? BigInt(rows[0].position) : undefined;
}

/**
 * Moves the checkpoint forward, never back: a relay that lost its lock and still flushes
 * an older position must not rewind the one that took over (a rewind would only cause
 * duplicates, but there is no reason to cause them).
 */
export async function saveCheckpoint(db: Queryable, name: string, position: bigint): Promise<void> {
  await db.query(
    `INSERT INTO ${RELAY_SCHEMA}.checkpoints (name, position, updated_at) VALUES ($1, $2, now())
     ON CONFLICT (name) DO UPDATE SET position = GREATEST(${RELAY_SCHEMA}.checkpoints.position, EXCLUDED.position), updated_at = now()`,
    [name, position.toString()],
  );
}
