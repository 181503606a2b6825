/**
 * What a projection is: a name, the event types it handles, the tables it owns and an
 * `apply` that turns one event into changes of those tables. Anything it does not handle
 * is acknowledged and ignored, and still advances its checkpoint.
 *
 * `apply` is synchronous on purpose: it works on an in-memory unit of work (`ProjectionTx`)
 * that the runtime loaded before the batch and writes back after it with a few bulk
 * statements, which is what lets a rebuild apply tens of thousands of events a second.
 */
import type { ProjectionName } from '@dreamcatcher/service-kit';
import type { DreamEvent, EventType } from './events.js';
import type { AnyTableSpec, TableSpec } from './table.js';

/** Changes to one table, collected in memory and flushed in bulk at the end of the batch. */
export interface TableOps<Row extends object> {
  /** A row of a preloaded table (`preloadBy`), as changed so far in this batch. */
  get(key: string): Row | undefined;
  /** Inserts or replaces the whole row. */
  put(row: Row): void;
  /** Changes some columns of a row that may not have been loaded. */
  patch(key: Partial<Row>, changes: Partial<Row>): void;
  delete(key: Partial<Row>): void;
  /** Deletes every row whose `column` equals `value` (a dream's children). */
  deleteWhere<C extends keyof Row & string>(column: C, value: Row[C]): void;
  /** Counter tables: adds `sums` and raises `maxes` of the row with `key`. */
  add(key: Partial<Row>, sums: Partial<Row>, maxes?: Partial<Row>): void;
}

export interface ProjectionTx {
  table<Row extends object>(spec: TableSpec<Row>): TableOps<Row>;
  /** A notification sent when (and only if) the batch commits; a later one with the same `dedupeKey` replaces it. */
  notify(channel: string, payload: string, dedupeKey?: string): void;
}

export interface Projection {
  name: ProjectionName;
  handles: readonly EventType[];
  /** Tables built from events; a rebuild creates fresh copies of all of them and swaps them in together. */
  tables: AnyTableSpec[];
  apply(tx: ProjectionTx, event: DreamEvent): void;
}

/** The per-stream tracker every projection gets: the last revision it applied of each stream. */
export interface StreamTrackerRow {
  stream_id: string;
  revision: bigint;
}

export function streamTrackerTable(projection: string): TableSpec<StreamTrackerRow> {
  return { name: `${projection}_streams`, columns: { stream_id: 'text', revision: 'bigint' }, key: ['stream_id'] };
}

/** Every table a projection owns, its stream tracker included. */
export function ownedTables(projection: Projection): AnyTableSpec[] {
  return [...projection.tables, streamTrackerTable(projection.name)];
}
