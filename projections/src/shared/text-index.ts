/**
 * What enters a full-text index. A tsvector holds at most 1 MB of lexemes and positions;
 * a valid fragment (200,000 characters of distinct hyphenated supplementary-plane words)
 * makes about 1.4 MB, and the row then fails to write ("string is too long for tsvector"),
 * which would dead-letter the event. Every stored tsvector is built here, from at most
 * `INDEXED_TEXT_CHARS` characters per row (that fragment then makes 455 KB): the fields in
 * order, each taking what the ones before it left. Text past the bound is kept in the row,
 * only not searchable.
 */
import { quoteIdent, type Knex } from '@dreamcatcher/service-kit';
import { createIndexSql, qualified, type AnyTableSpec } from '../runtime/table.js';

export const INDEXED_TEXT_CHARS = 50_000;

export type Weight = 'A' | 'B' | 'C' | 'D';

/** One field of a document: a SQL text expression of the row's columns, and its weight. */
export interface IndexedField {
  sql: string;
  weight: Weight;
}

/** The generated column definition of a bounded, weighted tsvector over `fields`. */
export function boundedSearchVector(config: string, fields: IndexedField[], limit = INDEXED_TEXT_CHARS): string {
  const texts = fields.map((field) => `coalesce(${field.sql}, '')`);
  const vectors = texts.map((text, index) => {
    const used = texts.slice(0, index).map((before) => `length(${before})`);
    const room = used.length ? `greatest(${limit} - (${used.join(' + ')}), 0)` : String(limit);
    return `setweight(to_tsvector('${config}', left(${text}, ${room})), '${fields[index]!.weight}')`;
  });
  return `tsvector GENERATED ALWAYS AS (${vectors.join(' || ')}) STORED`;
}

/**
 * Replaces the generated columns of `spec` whose stored expression differs from the
 * description's (tables created before the bound), with their indexes. Rewrites the table.
 */
export async function regenerateColumns(knex: Knex, spec: AnyTableSpec, schema: string): Promise<void> {
  const table = qualified(schema, spec.name);
  for (const [column, definition] of Object.entries(spec.generated ?? {})) {
    const { rows } = await knex.raw<{ rows: { expression: string }[] }>(
      `SELECT pg_get_expr(d.adbin, d.adrelid) AS expression FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
        WHERE d.adrelid = ?::regclass AND a.attname = ?`,
      [table, column],
    );
    if (rows[0]?.expression.includes(`${INDEXED_TEXT_CHARS}`)) continue;
    await knex.raw(`ALTER TABLE ${table} DROP COLUMN IF EXISTS ${quoteIdent(column)}, ADD COLUMN ${quoteIdent(column)} ${definition}`);
  }
  for (const statement of createIndexSql(spec, schema)) await knex.raw(statement);
}
