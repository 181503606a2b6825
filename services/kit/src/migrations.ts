import knexFactory, { type Knex } from 'knex';
import { ensureDatabase } from './postgres.js';
import type { Logger } from './logger.js';
import pg from 'pg';

export type { Knex } from 'knex';

/** One schema change, kept in code so that services carry their migrations with them. */
export interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down?(knex: Knex): Promise<void>;
}

export interface MigrateOptions {
  url: string;
  /** Who owns these tables; each owner keeps its own migration history. */
  owner: string;
  migrations: Migration[];
  logger?: Logger;
}

/**
 * Creates the database if needed and applies the owner's pending migrations with knex.
 * Replicas starting together queue on a PostgreSQL advisory lock (knex's own lock table
 * is itself created racily), so one migrates and the others then find nothing to do.
 */
export async function migrate(options: MigrateOptions): Promise<string[]> {
  await ensureDatabase(options.url);
  const lock = new pg.Client({ connectionString: options.url });
  await lock.connect();
  try {
    await lock.query("SELECT pg_advisory_lock(hashtext('dreamcatcher.migrate.' || $1))", [options.owner]);
    return await migrateOnce(options);
  } finally {
    await lock.end();
  }
}

async function migrateOnce({ url, owner, migrations, logger }: MigrateOptions): Promise<string[]> {
  const knex = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  try {
    const [, applied] = (await knex.migrate.latest({
      tableName: `knex_migrations_${owner}`,
      migrationSource: {
        getMigrations: async () => migrations,
        getMigrationName: (migration: Migration) => migration.name,
        getMigration: async (migration: Migration) => ({
          up: (k: Knex) => migration.up(k),
          down: (k: Knex) => (migration.down ? migration.down(k) : Promise.resolve()),
        }),
      },
    })) as [number, string[]];
    if (applied.length) logger?.info('applied migrations', { owner, migrations: applied });
    return applied;
  } finally {
    await knex.destroy();
  }
}
