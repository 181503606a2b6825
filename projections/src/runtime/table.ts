/**
 * A read model table described once, as data: its DDL, its row-level security and the
 * bulk statements the unit of work flushes with are all generated from this description,
 * so the live tables, a rebuild's fresh tables and an auditor's schema cannot drift apart.
 */
import { quoteIdent } from '@dreamcatcher/service-kit';
import { READER_ROLE, USER_ID_SETTING } from './names.js';

export type ColumnType = 'uuid' | 'text' | 'int' | 'bigint' | 'boolean' | 'timestamptz' | 'jsonb' | 'text[]';

export interface TableSpec<Row extends object = Record<string, unknown>> {
  name: string;
  /** Columns the projection writes, with their PostgreSQL types. */
  columns: { [K in keyof Row & string]: ColumnType };
  key: (keyof Row & string)[];
  /** Columns that may hold NULL; every other column is NOT NULL. */
  nullable?: (keyof Row & string)[];
  /** Columns PostgreSQL computes (`<type> GENERATED ALWAYS AS (...) STORED`); never written. */
  generated?: Record<string, string>;
  /** Index definitions: `name: 'USING gin (tags)'` or `name: '(owner_id, updated_at DESC)'`. */
  indexes?: Record<string, string>;
  /** Rows of this table are read before a batch for the dreams it touches (`tx.get`). */
  preloadBy?: keyof Row & string;
  /** Per-user rows: row-level security limits readers to `owner_id = <their user id>`. */
  ownerScoped?: boolean;
  /** The gateway's reader role may SELECT it (subject to RLS when owner-scoped). */
  readable?: boolean;
  /** Counter table: `sum` columns are added to, `max` columns keep the greatest value. */
  counters?: { sum: (keyof Row & string)[]; max?: (keyof Row & string)[]; dropWhenZero?: boolean };
  /** Rows the table starts with (static reference data), inserted when the table is created. */
  seed?: Row[];
}

export type AnyTableSpec = TableSpec<any>;

export function qualified(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/** Statements creating the secondary indexes (a rebuild creates them after loading: much faster than row by row). */
export function createIndexSql(spec: AnyTableSpec, schema: string): string[] {
  return Object.entries(spec.indexes ?? {}).map(
    ([name, definition]) => `CREATE INDEX IF NOT EXISTS ${quoteIdent(`${spec.name}_${name}`)} ON ${qualified(schema, spec.name)} ${definition}`,
  );
}

/**
 * Statements creating the table with its indexes (unless deferred), RLS policy and grants
 * (idempotent). A rebuild loads into `unlogged` tables (no write-ahead log) and logs them afterwards.
 */
export function createTableSql(spec: AnyTableSpec, schema: string, { indexes = true, unlogged = false } = {}): string[] {
  const table = qualified(schema, spec.name);
  const nullable = new Set<string>(spec.nullable ?? []);
  const columns = Object.entries(spec.columns as Record<string, ColumnType>).map(
    ([name, type]) => `${quoteIdent(name)} ${type}${nullable.has(name) ? '' : ' NOT NULL'}`,
  );
  const generated = Object.entries(spec.generated ?? {}).map(([name, definition]) => `${quoteIdent(name)} ${definition}`);
  const statements = [
    `CREATE ${unlogged ? 'UNLOGGED ' : ''}TABLE IF NOT EXISTS ${table} (${[...columns, ...generated, `PRIMARY KEY (${spec.key.map(quoteIdent).join(', ')})`].join(', ')})`,
    // A nullable column added to the spec later reaches a table created before it (rows already
    // there hold NULL until a rebuild fills them).
    ...[...nullable].map((name) => `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${quoteIdent(name)} ${(spec.columns as Record<string, ColumnType>)[name]}`),
    ...(indexes ? createIndexSql(spec, schema) : []),
  ];
  if (spec.ownerScoped) {
    statements.push(
      `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
      `DROP POLICY IF EXISTS owner_only ON ${table}`,
      `CREATE POLICY owner_only ON ${table} FOR SELECT TO ${quoteIdent(READER_ROLE)} USING (owner_id = current_setting('${USER_ID_SETTING}', true))`,
    );
  }
  if (spec.readable) statements.push(`GRANT SELECT ON ${table} TO ${quoteIdent(READER_ROLE)}`);
  // Seed rows are constants from the code, inlined as a literal so the DDL runs anywhere (knex, pg).
  if (spec.seed?.length) statements.push(upsertSql(spec, schema).text.replace('$1::jsonb', `'${toJson(spec.seed).replaceAll("'", "''")}'::jsonb`));
  return statements;
}

function recordsetColumns(spec: AnyTableSpec, names: string[]): string {
  return names.map((name) => `${quoteIdent(name)} ${(spec.columns as Record<string, ColumnType>)[name]}`).join(', ');
}

function keyMatch(spec: AnyTableSpec, target: string, source: string): string {
  return spec.key.map((column) => `${target}.${quoteIdent(column)} = ${source}.${quoteIdent(column)}`).join(' AND ');
}

/** Inserts or replaces whole rows given as a JSON array. */
export function upsertSql(spec: AnyTableSpec, schema: string): { text: string } {
  const names = Object.keys(spec.columns);
  const keys = new Set<string>(spec.key);
  const updates = names.filter((name) => !keys.has(name)).map((name) => `${quoteIdent(name)} = excluded.${quoteIdent(name)}`);
  const conflict = updates.length ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING';
  return {
    text:
      `INSERT INTO ${qualified(schema, spec.name)} (${names.map(quoteIdent).join(', ')}) ` +
      `SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(${recordsetColumns(spec, names)}) ` +
      `ON CONFLICT (${spec.key.map(quoteIdent).join(', ')}) ${conflict}`,
  };
}

/** Deletes the rows whose keys are given as a JSON array. */
export function deleteSql(spec: AnyTableSpec, schema: string): { text: string } {
  return {
    text:
      `DELETE FROM ${qualified(schema, spec.name)} AS t USING jsonb_to_recordset($1::jsonb) AS x(${recordsetColumns(spec, spec.key)}) ` +
      `WHERE ${keyMatch(spec, 't', 'x')}`,
  };
}

/** Deletes every row whose `column` is one of the values in $1 (a JSON array). */
export function deleteWhereSql(spec: AnyTableSpec, schema: string, column: string): { text: string } {
  const type = (spec.columns as Record<string, ColumnType>)[column];
  return {
    text: `DELETE FROM ${qualified(schema, spec.name)} WHERE ${quoteIdent(column)} IN (SELECT (jsonb_array_elements_text($1::jsonb))::${type})`,
  };
}

function patchValue(type: ColumnType, column: string): string {
  const field = `x.p->>'${column}'`;
  switch (type) {
    case 'text':
      return field;
    case 'jsonb':
      return `NULLIF(x.p->'${column}', 'null'::jsonb)`;
    case 'text[]':
      return `ARRAY(SELECT jsonb_array_elements_text(x.p->'${column}'))`;
    default:
      return `(${field})::${type}`;
  }
}

/**
 * Changes some columns of rows the batch did not load: `[{ ...key, p: { column: value } }]`.
 * Only the columns present in `p` change.
 */
export function patchSql(spec: AnyTableSpec, schema: string): { text: string } {
  const keys = new Set<string>(spec.key);
  const sets = Object.entries(spec.columns as Record<string, ColumnType>)
    .filter(([name]) => !keys.has(name))
    .map(([name, type]) => `${quoteIdent(name)} = CASE WHEN x.p ? '${name}' THEN ${patchValue(type, name)} ELSE t.${quoteIdent(name)} END`);
  return {
    text:
      `UPDATE ${qualified(schema, spec.name)} AS t SET ${sets.join(', ')} ` +
      `FROM jsonb_to_recordset($1::jsonb) AS x(${recordsetColumns(spec, spec.key)}, p jsonb) WHERE ${keyMatch(spec, 't', 'x')}`,
  };
}

/** Adds to counter columns (and raises maximum columns) of rows given as a JSON array, creating them when missing. */
export function counterSql(spec: AnyTableSpec, schema: string): { text: string; dropZero?: string } {
  const counters = spec.counters;
  if (!counters) throw new Error(`${spec.name} is not a counter table`);
  const names = Object.keys(spec.columns);
  const table = qualified(schema, spec.name);
  const sets = [
    ...counters.sum.map((name) => `${quoteIdent(name)} = t.${quoteIdent(name)} + excluded.${quoteIdent(name)}`),
    ...(counters.max ?? []).map((name) => `${quoteIdent(name)} = GREATEST(t.${quoteIdent(name)}, excluded.${quoteIdent(name)})`),
  ];
  const text =
    `INSERT INTO ${table} AS t (${names.map(quoteIdent).join(', ')}) ` +
    `SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(${recordsetColumns(spec, names)}) ` +
    `ON CONFLICT (${spec.key.map(quoteIdent).join(', ')}) DO UPDATE SET ${sets.join(', ')}`;
  if (!counters.dropWhenZero) return { text };
  const zero = counters.sum.map((name) => `t.${quoteIdent(name)} = 0`).join(' AND ');
  return {
    text,
    dropZero:
      `DELETE FROM ${table} AS t USING jsonb_to_recordset($1::jsonb) AS x(${recordsetColumns(spec, spec.key)}) ` +
      `WHERE ${keyMatch(spec, 't', 'x')} AND ${zero}`,
  };
}

/** JSON for `jsonb_to_recordset`: bigints travel as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item));
}
