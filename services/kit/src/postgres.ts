import pg from 'pg';
import { retry } from './retry.js';
import type { Logger } from './logger.js';

// Positions and revisions are 64-bit: read int8 as bigint, never as a lossy number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => BigInt(value));

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export interface PostgresOptions {
  url: string;
  /** Pool size; 2 cores serve best with few connections. */
  max?: number;
  applicationName?: string;
  /** Abort transactions left idle this long, so one stuck client cannot stall readers of the global order. */
  idleInTransactionTimeoutMs?: number;
}

/** Database name in a PostgreSQL URL. */
export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new Error(`DATABASE_URL has no database name: ${redactUrl(url)}`);
  return name;
}

/** The URL with its password replaced, fit for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable url>';
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Creates the URL's database when it does not exist, so no manual SQL is ever needed. */
export async function ensureDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return;
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`).catch((error: { code?: string }) => {
      // Another service created it at the same moment.
      if (error.code !== '42P04' && error.code !== '23505') throw error;
    });
  } finally {
    await admin.end();
  }
}

/** Drops a database, closing its connections first (tests clean up with this). */
export async function dropDatabase(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseName(url))} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * A pool on the URL's database, created if missing, retrying until PostgreSQL answers
 * (services may start before the database does).
 */
export async function connectPostgres(options: PostgresOptions, logger?: Logger): Promise<pg.Pool> {
  await retry(() => ensureDatabase(options.url), {
    what: 'connect to PostgreSQL',
    logger,
  });
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    application_name: options.applicationName,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 60_000,
  });
  // An idle client losing its connection (database restart, pg_terminate_backend) must not crash the process.
  pool.on('error', (error) => logger?.warn('idle PostgreSQL client failed', { error: error.message }));
  return pool;
}

/** Runs `work` in a transaction on one client, rolling back on any error. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
