/**
 * A command service on a fresh database with the real PostgreSQL event store behind the
 * audited store (encryption and hash chain), as in production, listening on port 0, for
 * the integration specs. `post` and `sync` call it over HTTP with the token.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { createAuditedStore, migrateAudit, PostgresDataKeys } from '@dreamcatcher/audit';
import { createEventStore, type EventStore, type RecordedEvent } from '@dreamcatcher/event-store';
import { closeServer, connectPostgres, createLogger, createMetricsRegistry, listeningPort, migrate, type Pool, type Registry } from '@dreamcatcher/service-kit';
import { createTestDatabase, type TestResource } from '@dreamcatcher/service-kit/testing';
import { dreamStreamId } from '@dreamcatcher/domain';
import { createCommandService, type CommandService, type CommandServiceOptions } from '../http/app.js';
import { commandMigrations } from '../idempotency/schema.js';

export const TEST_TOKEN = 'test-command-service-token';

export interface PostOptions {
  userId?: string;
  roles?: string[];
  idempotencyKey?: string;
  expectedRevision?: string;
  correlationId?: string;
  traceparent?: string;
  tracestate?: string;
  token?: string | null;
}

export interface Answer {
  status: number;
  headers: Headers;
  // Specs read whatever the answer holds.
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface CommandServiceFixture {
  pool: Pool;
  /** The audited store (events read back decrypted, without chain fields); `service` may run on a wrapper of it (see `wrapStore`). */
  store: EventStore;
  /** The PostgreSQL store underneath: events as stored, ciphertext and chain fields. */
  raw: EventStore;
  service: CommandService;
  metrics: Registry;
  baseUrl: string;
  logLines: string[];
  post(type: string, data: unknown, options?: PostOptions): Promise<Answer>;
  request(path: string, init?: { method?: string; body?: string; headers?: Record<string, string> }): Promise<Answer>;
  sync(items: unknown[], options?: PostOptions & { sessionId?: string }): Promise<Answer>;
  events(dreamId: string): Promise<RecordedEvent[]>;
}

export function useCommandService(
  settings: { wrapStore?: (store: EventStore) => EventStore; options?: Partial<CommandServiceOptions> } = {},
): CommandServiceFixture {
  const fixture = { logLines: [] as string[] } as unknown as CommandServiceFixture;
  let database: TestResource | undefined;
  let server: Server | undefined;

  before(async function () {
    this.timeout(30_000);
    database = await createTestDatabase('dc_command');
    await migrate({ url: database.url, owner: 'commands', migrations: commandMigrations });
    await migrateAudit(database.url);
    fixture.pool = await connectPostgres({ url: database.url, max: 10 });
    fixture.raw = await createEventStore({ kind: 'postgres', pool: fixture.pool });
    fixture.store = createAuditedStore(fixture.raw, { keys: new PostgresDataKeys(fixture.pool, { masterKey: randomBytes(32) }) });
    fixture.metrics = createMetricsRegistry('command-service-test');
    const sink = new Writable({ write: (chunk, _encoding, done) => (fixture.logLines.push(String(chunk)), done()) });
    fixture.service = createCommandService({
      store: settings.wrapStore ? settings.wrapStore(fixture.store) : fixture.store,
      pool: fixture.pool,
      logger: createLogger({ service: 'command-service-test', level: 'warn', stream: sink }),
      metrics: fixture.metrics,
      token: TEST_TOKEN,
      ...settings.options,
    });
    server = await new Promise<Server>((resolve) => {
      const listening = fixture.service.app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    fixture.baseUrl = `http://127.0.0.1:${listeningPort(server)}`;
  });

  after(async function () {
    this.timeout(30_000);
    if (server) await closeServer(server);
    await fixture.store?.close();
    await fixture.pool?.end();
    await database?.drop();
  });

  fixture.request = async (path, init = {}) => {
    const response = await fetch(`${fixture.baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: init.headers ?? {},
      ...(init.body !== undefined && { body: init.body }),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (metrics): keep the text.
    }
    return { status: response.status, headers: response.headers, body };
  };

  const headers = (options: PostOptions): Record<string, string> => ({
    'content-type': 'application/json',
    ...(options.token !== null && { authorization: `Bearer ${options.token ?? TEST_TOKEN}` }),
  });
  const metadata = (options: PostOptions) => ({
    userId: options.userId ?? 'user-1',
    roles: options.roles ?? ['user'],
    ...(options.correlationId !== undefined && { correlationId: options.correlationId }),
    ...(options.traceparent !== undefined && { traceparent: options.traceparent }),
    ...(options.tracestate !== undefined && { tracestate: options.tracestate }),
  });

  fixture.post = (type, data, options = {}) =>
    fixture.request(`/commands/${type}`, {
      method: 'POST',
      headers: headers(options),
      body: JSON.stringify({
        data,
        metadata: metadata(options),
        ...(options.idempotencyKey !== undefined && { idempotencyKey: options.idempotencyKey }),
        ...(options.expectedRevision !== undefined && { expectedRevision: options.expectedRevision }),
      }),
    });

  fixture.sync = (items, options = {}) =>
    fixture.request('/sync-sessions', {
      method: 'POST',
      headers: headers(options),
      body: JSON.stringify({ ...(options.sessionId !== undefined && { sessionId: options.sessionId }), items, metadata: metadata(options) }),
    });

  fixture.events = (dreamId) => fixture.store.readStream(dreamStreamId(dreamId));
  return fixture;
}

/** A fragment as the extension captures it. */
export function fragmentInput(title = 'How to build a habit tracker', extra: Record<string, unknown> = {}) {
  return { title, content: `Conversation about ${title}`, source: 'chatgpt', ...extra };
}
