/** Creating, swapping and dropping a projection's tables in a schema other than the live one. */
import type pg from 'pg';
import { quoteIdent } from '@dreamcatcher/service-kit';
import { randomBytes } from 'node:crypto';
import { schemaSql } from '../migrations.js';
import { ownedTables, type Projection } from '../runtime/projection.js';
import { createIndexSql, createTableSql, qualified } from '../runtime/table.js';

/**
 * A schema for one rebuild's tables, named after the backend holding the rebuild's session
 * lock: while that backend lives the rebuild is running, and once it is gone (a rebuild
 * killed half-way) the schema is litter that the next rebuild removes.
 */
export function temporarySchemaName(purpose: 'rebuild' | 'retired', backendPid: number): string {
  return `read_models_${purpose}_${backendPid}_${randomBytes(4).toString('hex')}`;
}

/** Drops the temporary schemas of rebuilds whose backend is gone. */
export async function dropAbandonedSchemas(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT nspname AS name FROM pg_namespace
     WHERE nspname ~ '^read_models_(rebuild|retired)_[0-9]+_'
       AND split_part(nspname, '_', 4)::int NOT IN (SELECT pid FROM pg_stat_activity)`,
  );
  for (const { name } of rows) await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(name)} CASCADE`);
  return rows.map((row) => row.name);
}

/**
 * Creates `schema` (with its own checkpoints table) and fresh, empty tables for `projections`,
 * replacing any there; with `deferIndexes`, secondary indexes wait for `createIndexes`.
 */
export async function createProjectionTables(client: pg.ClientBase, schema: string, projections: Projection[], { deferIndexes = false, unlogged = false } = {}): Promise<void> {
  for (const statement of schemaSql(schema)) await client.query(statement);
  for (const projection of projections) {
    await client.query(`DELETE FROM ${qualified(schema, 'projection_checkpoints')} WHERE projection = $1`, [projection.name]);
    for (const spec of ownedTables(projection)) {
      await client.query(`DROP TABLE IF EXISTS ${qualified(schema, spec.name)}`);
      for (const statement of createTableSql(spec, schema, { indexes: !deferIndexes, unlogged })) await client.query(statement);
    }
  }
}

export async function createIndexes(client: pg.ClientBase, schema: string, projections: Projection[]): Promise<void> {
  for (const projection of projections) for (const spec of ownedTables(projection)) for (const statement of createIndexSql(spec, schema)) await client.query(statement);
}

/** Makes tables loaded unlogged crash-safe (one sequential write each, far cheaper than logging every row). */
export async function setLogged(client: pg.ClientBase, schema: string, projections: Projection[]): Promise<void> {
  for (const projection of projections) for (const spec of ownedTables(projection)) await client.query(`ALTER TABLE ${qualified(schema, spec.name)} SET LOGGED`);
}

/**
 * Moves the live tables of `projections` out to `retired` and the rebuilt ones from
 * `staging` in, in the caller's transaction. Queries name tables by schema and name, so
 * from the commit on they read the new tables; until then they keep reading the old ones.
 */
export async function swapTables(client: pg.ClientBase, projections: Projection[], { live, staging, retired }: { live: string; staging: string; retired: string }): Promise<void> {
  await client.query(`CREATE SCHEMA ${quoteIdent(retired)}`);
  for (const projection of projections) {
    for (const spec of ownedTables(projection)) {
      await client.query(`ALTER TABLE IF EXISTS ${qualified(live, spec.name)} SET SCHEMA ${quoteIdent(retired)}`);
      await client.query(`ALTER TABLE ${qualified(staging, spec.name)} SET SCHEMA ${quoteIdent(live)}`);
    }
  }
}

export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
}
