/**
 * Isolation for tests that talk to the real PostgreSQL and RabbitMQ: each gets its own
 * database and its own vhost, removed afterwards.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { dropDatabase, ensureDatabase } from '../postgres.js';

const run = promisify(execFile);

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export interface TestResource {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, empty database on the test server. */
export async function createTestDatabase(prefix = 'dc_test'): Promise<TestResource> {
  const name = uniqueName(prefix);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  await ensureDatabase(url.toString());
  return { url: url.toString(), name, drop: () => dropDatabase(url.toString()) };
}

async function rabbitmqctl(...args: string[]): Promise<void> {
  await run('rabbitmqctl', ['-q', ...args], { timeout: 30_000 });
}

/** A fresh vhost on the test broker, with the test user allowed everything in it. */
export async function createTestVhost(prefix = 'dc_test'): Promise<TestResource> {
  const name = uniqueName(prefix);
  const url = new URL(TEST_AMQP_URL);
  const user = decodeURIComponent(url.username || 'guest');
  await rabbitmqctl('add_vhost', name);
  await rabbitmqctl('set_permissions', '-p', name, user, '.*', '.*', '.*');
  url.pathname = `/${encodeURIComponent(name)}`;
  return { url: url.toString(), name, drop: () => rabbitmqctl('delete_vhost', name) };
}

/**
 * Mocha hooks giving the enclosing `describe` its own database (and vhost when asked).
 * Read `.url` inside tests or hooks, after `before` has run.
 */
export function useTestDatabase(prefix?: string): { url: string } {
  const holder = { url: '' };
  let resource: TestResource | undefined;
  before(async function () {
    this.timeout(30_000);
    resource = await createTestDatabase(prefix);
    holder.url = resource.url;
  });
  after(async function () {
    this.timeout(30_000);
    await resource?.drop();
  });
  return holder;
}

export function useTestVhost(prefix?: string): { url: string } {
  const holder = { url: '' };
  let resource: TestResource | undefined;
  before(async function () {
    this.timeout(30_000);
    resource = await createTestVhost(prefix);
    holder.url = resource.url;
  });
  after(async function () {
    this.timeout(30_000);
    await resource?.drop();
  });
  return holder;
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, { timeoutMs = 10_000, intervalMs = 25, what = 'condition' } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Force-closes every broker connection in a vhost, as a broker failover would, without
 * touching other vhosts (other tests may be running on the same broker).
 */
export async function closeVhostConnections(vhost: string): Promise<number> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'list_connections', 'pid', 'vhost'], { timeout: 30_000 });
  const pids = stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, host]) => pid?.startsWith('<') && host === vhost)
    .map(([pid]) => pid as string);
  for (const pid of pids) await rabbitmqctl('close_connection', pid, 'closed by test');
  return pids.length;
}
export { useInMemoryTracing, type InMemoryTracing } from './tracing.js';
export type { SpanRecord } from '../telemetry/span-records.js';
