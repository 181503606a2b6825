/**
 * The in-memory side of a batch: rows the batch needs are loaded with one query per
 * table, events change them in memory, and the changes go back with one bulk statement
 * per table and kind. Later changes to a row in the same batch overwrite earlier ones,
 * so the statements' order (bulk deletes, upserts, patches, counters) gives the same
 * result as applying the events one by one.
 */
import pg from 'pg';
import type { ProjectionTx, TableOps } from './projection.js';
import { counterSql, deleteSql, deleteWhereSql, patchSql, qualified, toJson, upsertSql, type AnyTableSpec, type ColumnType, type TableSpec } from './table.js';
import { quoteIdent } from '@dreamcatcher/service-kit';

type Row = Record<string, unknown>;

// Timestamps stay PostgreSQL's own text when loaded: written back unchanged, they keep their
// full microsecond precision, so a row round-trips through a batch byte for byte.
const TIMESTAMPTZ_OID = 1184;
const rawTimestamps = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMPTZ_OID ? (value: string) => value : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

const CANONICAL_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function greater(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a > b;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a > b;
  // Event times are nearly always canonical ISO strings, which compare correctly as text.
  if (typeof a === 'string' && typeof b === 'string' && CANONICAL_TIME.test(a) && CANONICAL_TIME.test(b)) return a > b;
  const [ta, tb] = [Date.parse(String(a)), Date.parse(String(b))];
  if (!Number.isNaN(ta) && !Number.isNaN(tb)) return ta > tb;
  return String(a) > String(b);
}

class TableWork implements TableOps<Row> {
  private readonly loaded = new Map<string, Row | undefined>();
  private readonly upserts = new Map<string, Row>();
  private readonly patches = new Map<string, { key: Row; p: Row }>();
  private readonly deletes = new Map<string, Row>();
  private readonly deleteWheres = new Map<string, Set<unknown>>();
  private readonly counters = new Map<string, { key: Row; sums: Row; maxes: Row }>();
  private readonly types: Record<string, ColumnType>;
  private readonly bigints: string[];

  constructor(readonly spec: AnyTableSpec) {
    this.types = spec.columns as Record<string, ColumnType>;
    this.bigints = Object.keys(this.types).filter((column) => this.types[column] === 'bigint');
  }

  // JSON.stringify with a replacer is several times slower than without one, so the
  // few bigint columns are turned into decimal strings up front instead.
  private json(rows: Row[]): string {
    if (!this.bigints.length) return JSON.stringify(rows);
    const plain = (row: Row): Row => {
      let copy: Row | undefined;
      for (const column of this.bigints) {
        const value = row[column];
        if (typeof value === 'bigint') (copy ??= { ...row })[column] = value.toString();
      }
      if (row.p && typeof row.p === 'object') {
        const p = plain(row.p as Row);
        if (p !== row.p) (copy ??= { ...row }).p = p;
      }
      return copy ?? row;
    };
    return JSON.stringify(rows.map(plain));
  }

  private normal(column: string, value: unknown): string {
    return this.types[column] === 'uuid' ? String(value).toLowerCase() : String(value);
  }

  private keyOf(row: Row): string {
    return this.spec.key.map((column: string) => this.normal(column, row[column])).join('\u0001');
  }

  private keyRow(row: Row): Row {
    return Object.fromEntries(this.spec.key.map((column: string) => [column, row[column]]));
  }

  async preload(client: pg.ClientBase, schema: string, ids: string[]): Promise<void> {
    const column = this.spec.preloadBy as string;
    const { rows } = await client.query<Row>({
      text: `SELECT * FROM ${qualified(schema, this.spec.name)} WHERE ${quoteIdent(column)} = ANY($1::${this.types[column]}[])`,
      values: [ids],
      types: rawTimestamps,
    });
    for (const id of ids) this.loaded.set(this.normal(column, id), undefined);
    for (const row of rows) this.loaded.set(this.keyOf(row), row);
  }

  get(key: string): Row | undefined {
    const normal = this.normal(this.spec.key[0] as string, key);
    if (!this.loaded.has(normal)) throw new Error(`${this.spec.name} row ${key} was not loaded for this batch`);
    return this.loaded.get(normal);
  }

  put(row: Row): void {
    const key = this.keyOf(row);
    if (this.loaded.has(key)) this.loaded.set(key, row);
    this.upserts.set(key, row);
    this.patches.delete(key);
    this.deletes.delete(key);
  }

  patch(key: Row, changes: Row): void {
    const k = this.keyOf(key);
    const row = this.upserts.get(k);
    if (row) return void Object.assign(row, changes);
    const loaded = this.loaded.get(k);
    if (loaded) return this.put({ ...loaded, ...changes });
    if (this.deletes.has(k)) return;
    const pending = this.patches.get(k);
    if (pending) Object.assign(pending.p, changes);
    else this.patches.set(k, { key: this.keyRow(key), p: { ...changes } });
  }

  delete(key: Row): void {
    const k = this.keyOf(key);
    if (this.loaded.has(k)) this.loaded.set(k, undefined);
    this.upserts.delete(k);
    this.patches.delete(k);
    this.deletes.set(k, this.keyRow(key));
  }

  deleteWhere(column: string, value: unknown): void {
    const normal = this.normal(column, value);
    const matches = (row: Row) => this.normal(column, row[column]) === normal;
    for (const [k, row] of this.upserts) if (matches(row)) this.upserts.delete(k);
    for (const [k, patch] of this.patches) if (column in patch.key && matches(patch.key)) this.patches.delete(k);
    for (const [k, row] of this.loaded) if (row && matches(row)) this.loaded.set(k, undefined);
    for (const [k, entry] of this.counters) if (column in entry.key && matches(entry.key)) this.counters.delete(k);
    let values = this.deleteWheres.get(column);
    if (!values) this.deleteWheres.set(column, (values = new Set()));
    values.add(normal);
  }

  add(key: Row, sums: Row, maxes: Row = {}): void {
    const k = this.keyOf(key);
    let entry = this.counters.get(k);
    if (!entry) this.counters.set(k, (entry = { key: this.keyRow(key), sums: {}, maxes: {} }));
    for (const [column, value] of Object.entries(sums)) entry.sums[column] = ((entry.sums[column] as number) ?? 0) + (value as number);
    for (const [column, value] of Object.entries(maxes)) {
      if (value !== undefined && value !== null && (entry.maxes[column] === undefined || greater(value, entry.maxes[column]))) entry.maxes[column] = value;
    }
  }

  async flush(client: pg.ClientBase, schema: string): Promise<number> {
    let statements = 0;
    const run = async (text: string, payload: Row[]) => {
      if (!payload.length) return;
      await client.query(text, [this.json(payload)]);
      statements++;
    };
    for (const [column, values] of this.deleteWheres) await run(deleteWhereSql(this.spec, schema, column).text, [...values] as Row[]);
    await run(deleteSql(this.spec, schema).text, [...this.deletes.values()]);
    await run(upsertSql(this.spec, schema).text, [...this.upserts.values()]);
    await run(patchSql(this.spec, schema).text, [...this.patches.values()].map(({ key, p }) => ({ ...key, p })));
    if (this.counters.size) await this.flushCounters(run, schema);
    return statements;
  }

  private async flushCounters(run: (text: string, payload: Row[]) => Promise<void>, schema: string): Promise<void> {
    const { sum, max = [], dropWhenZero } = this.spec.counters!;
    const rows: Row[] = [];
    for (const { key, sums, maxes } of this.counters.values()) {
      // A key whose changes cancel out is left alone when zero rows are dropped anyway,
      // so the table is the same however the events were cut into batches.
      if (dropWhenZero && sum.every((column: string) => !sums[column])) continue;
      const row: Row = { ...key };
      for (const column of sum) row[column] = sums[column] ?? 0;
      for (const column of max) row[column] = maxes[column] ?? null;
      rows.push(row);
    }
    const { text, dropZero } = counterSql(this.spec, schema);
    await run(text, rows);
    if (dropZero) await run(dropZero, rows.map((row) => this.keyRow(row)));
  }
}

/** A batch's unit of work over a projection's tables. */
export class UnitOfWork implements ProjectionTx {
  private readonly tables = new Map<string, TableWork>();
  private readonly notifications = new Map<string, { c: string; p: string }>();

  constructor(specs: AnyTableSpec[]) {
    for (const spec of specs) this.tables.set(spec.name, new TableWork(spec));
  }

  table<R extends object>(spec: TableSpec<R>): TableOps<R> {
    const work = this.tables.get(spec.name);
    if (!work) throw new Error(`table ${spec.name} is not part of this unit of work`);
    return work as unknown as TableOps<R>;
  }

  notify(channel: string, payload: string, dedupeKey?: string): void {
    this.notifications.set(dedupeKey === undefined ? `#${this.notifications.size}` : `${channel}\u0001${dedupeKey}`, { c: channel, p: payload });
  }

  /** Loads, for the given dreams, the rows of every table that declares `preloadBy`. */
  async preload(client: pg.ClientBase, schema: string, dreamIds: string[]): Promise<void> {
    if (!dreamIds.length) return;
    for (const work of this.tables.values()) if (work.spec.preloadBy) await work.preload(client, schema, dreamIds);
  }

  /** Writes every change; notifications are queued in the transaction, so PostgreSQL delivers them only on commit. */
  async flush(client: pg.ClientBase, schema: string, { notify = true } = {}): Promise<number> {
    let statements = 0;
    for (const work of this.tables.values()) statements += await work.flush(client, schema);
    if (notify && this.notifications.size) {
      await client.query('SELECT pg_notify(x.c, x.p) FROM jsonb_to_recordset($1::jsonb) AS x(c text, p text)', [toJson([...this.notifications.values()])]);
      statements++;
    }
    return statements;
  }
}
