/**
 * Import jobs and what they imported, in the gateway's own schema. A job's counts are
 * written as it goes, each write announced on `import_progress` so that every gateway
 * replica can push it to the owner's live connections. `gateway.imported_conversations`
 * remembers how many turns of each conversation are in its dream: what makes a second
 * import add only what is new.
 */
import { randomUUID } from 'node:crypto';
import type { Migration, Pool } from '@dreamcatcher/service-kit';
import type { Role } from '../auth/roles.js';

export const IMPORT_PROGRESS_CHANNEL = 'import_progress';

export type ImportStatus = 'queued' | 'running' | 'completed' | 'failed';

export interface ImportCounts {
  total: number;
  imported: number;
  skipped: number;
  failed: number;
}

export interface ImportJob {
  id: string;
  status: ImportStatus;
  format: string | null;
  conversations: ImportCounts;
  errors: string[];
  startedAt: string | null;
  finishedAt: string | null;
}

/** What the runner needs beyond the public view: whose job it is and where its file lies. */
export interface ImportJobWork {
  id: string;
  userId: string;
  roles: Role[];
  filePath: string;
}

/** At most this many error lines are kept per job. */
export const MAX_ERRORS = 50;

export const importMigrations: Migration[] = [
  {
    name: '0001_imports',
    async up(knex) {
      await knex.raw('CREATE SCHEMA IF NOT EXISTS gateway');
      await knex.raw(`
        CREATE TABLE gateway.import_jobs (
          id uuid PRIMARY KEY,
          user_id text NOT NULL,
          roles jsonb NOT NULL,
          file_path text NOT NULL,
          status text NOT NULL DEFAULT 'queued',
          format text,
          total integer NOT NULL DEFAULT 0,
          imported integer NOT NULL DEFAULT 0,
          skipped integer NOT NULL DEFAULT 0,
          failed integer NOT NULL DEFAULT 0,
          errors jsonb NOT NULL DEFAULT '[]',
          created_at timestamptz NOT NULL DEFAULT now(),
          started_at timestamptz,
          finished_at timestamptz
        )`);
      await knex.raw('CREATE INDEX import_jobs_user_id ON gateway.import_jobs (user_id)');
      await knex.raw(`
        CREATE TABLE gateway.imported_conversations (
          user_id text NOT NULL,
          source text NOT NULL,
          conversation_id text NOT NULL,
          turns integer NOT NULL,
          PRIMARY KEY (user_id, source, conversation_id)
        )`);
    },
  },
];

type Row = {
  id: string;
  status: ImportStatus;
  format: string | null;
  total: number;
  imported: number;
  skipped: number;
  failed: number;
  errors: string[];
  started_at: Date | null;
  finished_at: Date | null;
};

const COLUMNS = 'id, status, format, total, imported, skipped, failed, errors, started_at, finished_at';

function jobOf(row: Row): ImportJob {
  return {
    id: row.id,
    status: row.status,
    format: row.format,
    conversations: { total: row.total, imported: row.imported, skipped: row.skipped, failed: row.failed },
    errors: row.errors,
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

export class ImportJobs {
  constructor(private readonly pool: Pool) {}

  async create(userId: string, roles: Role[], filePath: string): Promise<ImportJobWork> {
    const id = randomUUID();
    await this.pool.query('INSERT INTO gateway.import_jobs (id, user_id, roles, file_path) VALUES ($1, $2, $3, $4)', [id, userId, JSON.stringify(roles), filePath]);
    return { id, userId, roles, filePath };
  }

  /** The caller's own job; another user's is as absent as one that never existed. */
  async get(userId: string, id: string): Promise<ImportJob | undefined> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM gateway.import_jobs WHERE id = $1 AND user_id = $2`, [id, userId]);
    return rows[0] && jobOf(rows[0]);
  }

  /** How many of the user's jobs are queued or running. */
  async activeCount(userId: string): Promise<number> {
    const { rows } = await this.pool.query<{ count: string }>("SELECT count(*) FROM gateway.import_jobs WHERE user_id = $1 AND status IN ('queued', 'running')", [userId]);
    return Number(rows[0]!.count);
  }

  /** Jobs not finished: queued ones, and running ones a stopped gateway left behind. */
  async unfinished(): Promise<ImportJobWork[]> {
    const { rows } = await this.pool.query<{ id: string; user_id: string; roles: Role[]; file_path: string }>(
      "SELECT id, user_id, roles, file_path FROM gateway.import_jobs WHERE status IN ('queued', 'running') ORDER BY created_at",
    );
    return rows.map((row) => ({ id: row.id, userId: row.user_id, roles: row.roles, filePath: row.file_path }));
  }

  /** (Re)starts a job from the beginning: its counts are recounted; what it imported is found imported. */
  start(id: string): Promise<void> {
    return this.write(id, "status = 'running', started_at = now(), finished_at = NULL, total = 0, imported = 0, skipped = 0, failed = 0, errors = '[]'", []);
  }

  progress(id: string, format: string | null, counts: ImportCounts, errors: string[]): Promise<void> {
    return this.write(id, 'format = COALESCE($2, format), total = $3, imported = $4, skipped = $5, failed = $6, errors = $7', [
      format,
      counts.total,
      counts.imported,
      counts.skipped,
      counts.failed,
      JSON.stringify(errors.slice(0, MAX_ERRORS)),
    ]);
  }

  finish(id: string, status: 'completed' | 'failed', error?: string): Promise<void> {
    const errors = error === undefined ? 'errors' : `errors || $3::jsonb`;
    return this.write(id, `status = $2, finished_at = now(), errors = ${errors}`, error === undefined ? [status] : [status, JSON.stringify([error])]);
  }

  /** Turns of a conversation already in its dream (0 when none). */
  async importedTurns(userId: string, source: string, conversationId: string): Promise<number> {
    const { rows } = await this.pool.query<{ turns: number }>(
      'SELECT turns FROM gateway.imported_conversations WHERE user_id = $1 AND source = $2 AND conversation_id = $3',
      [userId, source, conversationId],
    );
    return rows[0]?.turns ?? 0;
  }

  async recordImported(userId: string, source: string, conversationId: string, turns: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO gateway.imported_conversations (user_id, source, conversation_id, turns) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id, source, conversation_id) DO UPDATE SET turns = GREATEST(imported_conversations.turns, EXCLUDED.turns)`,
      [userId, source, conversationId, turns],
    );
  }

  /** Updates the job and announces its new state to every gateway, in one statement. */
  private async write(id: string, set: string, params: unknown[]): Promise<void> {
    await this.pool.query(
      `WITH updated AS (UPDATE gateway.import_jobs SET ${set} WHERE id = $1 RETURNING user_id, ${COLUMNS})
       SELECT pg_notify('${IMPORT_PROGRESS_CHANNEL}', json_build_object('userId', user_id, 'id', id, 'status', status, 'format', format,
         'conversations', json_build_object('total', total, 'imported', imported, 'skipped', skipped, 'failed', failed))::text) FROM updated`,
      [id, ...params],
    );
  }
}
