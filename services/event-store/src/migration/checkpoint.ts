/**
 * Where a copy keeps its place: the source position of the last event it copied. The copier
 * only needs `load` and `save`; a PostgreSQL table (on whichever side of the copy is
 * PostgreSQL) serves the command line, and memory serves tests.
 */
import type pg from 'pg';

export interface CopyCheckpoint {
  /** The source position after which the copy continues (undefined: from the start). */
  load(): Promise<bigint | undefined>;
  /** `copied`: events copied since the last save. */
  save(position: bigint, copied: number): Promise<void>;
}

export class MemoryCopyCheckpoint implements CopyCheckpoint {
  constructor(public position?: bigint) {}
  async load(): Promise<bigint | undefined> {
    return this.position;
  }
  async save(position: bigint): Promise<void> {
    this.position = position;
  }
}

const TABLE = 'event_store.copy_checkpoints';

/**
 * `event_store.copy_checkpoints (copy, position, events, updated_at)`, one row per copy,
 * named by `copy` (e.g. "<source> -> <target>" without credentials).
 */
export class PostgresCopyCheckpoint implements CopyCheckpoint {
  constructor(
    private readonly pool: pg.Pool,
    readonly copy: string,
  ) {}

  private async ensureTable(): Promise<void> {
    await this.pool.query('CREATE SCHEMA IF NOT EXISTS event_store');
    await this.pool.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (copy text PRIMARY KEY, position bigint NOT NULL, events bigint NOT NULL DEFAULT 0, updated_at timestamptz NOT NULL DEFAULT now())`);
  }

  async load(): Promise<bigint | undefined> {
    await this.ensureTable();
    const { rows } = await this.pool.query<{ position: bigint | string }>(`SELECT position FROM ${TABLE} WHERE copy = $1`, [this.copy]);
    return rows[0] ? BigInt(rows[0].position) : undefined;
  }

  async save(position: bigint, copied: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${TABLE} AS t (copy, position, events) VALUES ($1, $2, $3)
       ON CONFLICT (copy) DO UPDATE SET position = GREATEST(t.position, excluded.position), events = t.events + excluded.events, updated_at = now()`,
      [this.copy, position, copied],
    );
  }

  /** Forgets the copy's place (the next run starts from the beginning, repeating harmlessly what is there). */
  async reset(): Promise<void> {
    await this.ensureTable();
    await this.pool.query(`DELETE FROM ${TABLE} WHERE copy = $1`, [this.copy]);
  }
}
