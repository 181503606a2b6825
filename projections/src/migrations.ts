/**
 * The read model schema: the reader role, the checkpoints table and every projection's
 * tables (created from their descriptions, so a rebuild creates identical ones).
 * Applied with the kit's `migrate({ owner: 'read_models' })`.
 *
 * Roles are cluster-wide while everything else is per database, and many databases (tests,
 * environments) share a cluster: creating the role tolerates it existing already, and
 * another database creating it at the same moment (which surfaces as a unique violation).
 */
import { migrate, quoteIdent, type Knex, type Logger, type Migration } from '@dreamcatcher/service-kit';
import { checkpointsTableSql } from './runtime/checkpoints.js';
import { CHECKPOINTS_TABLE, READ_MODELS_SCHEMA, READER_ROLE } from './runtime/names.js';
import { holesTableSql } from './runtime/holes.js';
import { partitionCheckpointsTableSql } from './runtime/partitions/checkpoints.js';
import { ownedTables, type Projection } from './runtime/projection.js';
import { createTableSql, qualified } from './runtime/table.js';
import { PROJECTIONS } from './registry.js';
import { regenerateColumns } from './shared/text-index.js';

export const CREATE_READER_ROLE = `DO $$
BEGIN
  CREATE ROLE ${quoteIdent(READER_ROLE)} NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$`;

/** Statements creating a schema with its checkpoints table (readable by the reader role) and its holes table. */
export function schemaSql(schema: string): string[] {
  return [
    CREATE_READER_ROLE,
    `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`,
    `GRANT USAGE ON SCHEMA ${quoteIdent(schema)} TO ${quoteIdent(READER_ROLE)}`,
    checkpointsTableSql(schema),
    `GRANT SELECT ON ${qualified(schema, CHECKPOINTS_TABLE)} TO ${quoteIdent(READER_ROLE)}`,
    // A rebuild's schema gets an empty one: the gap reads there skip nothing.
    holesTableSql(schema),
  ];
}

async function run(knex: Knex, statements: string[]): Promise<void> {
  for (const text of statements) await knex.raw(text);
}

function projectionTablesMigration(projection: Projection): Migration {
  return {
    name: `002_${projection.name}`,
    up: (knex) => run(knex, ownedTables(projection).flatMap((spec) => createTableSql(spec, READ_MODELS_SCHEMA))),
  };
}

export const migrations: Migration[] = [
  { name: '001_schema_role_checkpoints', up: (knex) => run(knex, schemaSql(READ_MODELS_SCHEMA)) },
  ...Object.values(PROJECTIONS).map(projectionTablesMigration),
  { name: '003_partition_checkpoints', up: (knex) => run(knex, [partitionCheckpointsTableSql(READ_MODELS_SCHEMA)]) },
  {
    name: '004_bounded_text_index',
    up: async (knex) => {
      for (const spec of Object.values(PROJECTIONS).flatMap(ownedTables)) if (spec.generated) await regenerateColumns(knex, spec, READ_MODELS_SCHEMA);
    },
  },
  { name: '005_projection_holes', up: (knex) => run(knex, [holesTableSql(READ_MODELS_SCHEMA)]) },
];

/** Creates or updates the read model schema in the database at `url`. */
export function migrateReadModels(url: string, logger?: Logger): Promise<string[]> {
  return migrate({ url, owner: 'read_models', migrations, ...(logger && { logger }) });
}
