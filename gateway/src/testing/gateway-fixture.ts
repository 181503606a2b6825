/**
 * The gateway on a fresh database, listening on port 0, with a real command service
 * (in-process, same database and event store, appending through the audited store)
 * behind it, for the integration specs.
 * `call` speaks HTTP to it; `token` signs real HS256 tokens with its secret.
 */
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { SignJWT } from 'jose';
import { createAuditedStore, migrateAudit, PostgresDataKeys, readAuditConfig } from '@dreamcatcher/audit';
import { createCommandService, commandMigrations } from '@dreamcatcher/command-service';
import { createEventStore, type EventStore } from '@dreamcatcher/event-store';
import { migrateReadModels } from '@dreamcatcher/projections';
import { closeServer, connectPostgres, createLogger, createMetricsRegistry, listeningPort, loadConfig, migrate, type Pool } from '@dreamcatcher/service-kit';
import { createTestDatabase, type TestResource } from '@dreamcatcher/service-kit/testing';
import { readGatewayConfig, type GatewayConfig } from '../config.js';
import { startGateway, type RunningGateway } from '../server.js';

export const TEST_JWT_SECRET = 'gateway-test-secret-0123456789abcdef';
const COMMAND_TOKEN = 'gateway-test-command-token';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // Specs read whatever the answer holds.
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface CallOptions {
  token?: string | undefined;
  /** Sent as JSON unless `raw` is given. */
  body?: unknown;
  raw?: string | Buffer;
  headers?: Record<string, string>;
}

export interface GatewayFixture {
  running: RunningGateway;
  config: GatewayConfig;
  /** The gateway's base URL, e.g. http://127.0.0.1:PORT */
  url: string;
  /** Its ops server's base URL (`/health`, `/ready`, `/metrics`). */
  opsUrl: string;
  /** A pool of the test's own on the gateway's database. */
  pool: Pool;
  /** The gateway's store, undecorated: events as stored (ciphertext, chain fields). */
  store: EventStore;
  logLines: string[];
  token(sub: string, roles?: string[], claims?: Record<string, unknown>): Promise<string>;
  /** `path` below /api/v1 unless it starts with `//` (then from the root: `//health`). */
  call(method: string, path: string, options?: CallOptions): Promise<Reply>;
  /** GET `path` (`/ready`, `/metrics`) on the ops port. */
  ops(path: string): Promise<Reply>;
}

export interface FixtureOptions {
  env?: Record<string, string>;
  /** Start a command service behind the gateway (default true). */
  commandService?: boolean;
  /** Create the read model schema, as the projectors do at start (default false: no projectors run here). */
  readModels?: boolean;
}

async function request(method: string, url: string, { token, body, raw, headers = {} }: CallOptions = {}): Promise<Reply> {
  const res = await fetch(url, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...((body !== undefined || raw !== undefined) && { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

export function useGateway({ env = {}, commandService = true, readModels = false }: FixtureOptions = {}): GatewayFixture {
  const fixture = { logLines: [] as string[] } as unknown as GatewayFixture;
  let database: TestResource | undefined;
  let commandServer: Server | undefined;
  let commandPool: Pool | undefined;
  let commandStore: EventStore | undefined;
  const secret = new TextEncoder().encode(env.JWT_SECRET ?? TEST_JWT_SECRET);

  before(async function () {
    this.timeout(60_000);
    database = await createTestDatabase('dc_gateway');
    if (readModels) await migrateReadModels(database.url);
    let commandUrl = 'http://127.0.0.1:9';
    if (commandService) {
      await migrate({ url: database.url, owner: 'commands', migrations: commandMigrations });
      await migrateAudit(database.url);
      commandPool = await connectPostgres({ url: database.url, max: 5 });
      commandStore = await createEventStore({ kind: 'postgres', pool: commandPool });
      // As in production: the command service appends through the audited store, with the gateway's master key.
      const { dataKeyEncryptionKey } = loadConfig(readAuditConfig, env);
      const service = createCommandService({
        store: createAuditedStore(commandStore, { keys: new PostgresDataKeys(commandPool, { masterKey: dataKeyEncryptionKey }) }),
        pool: commandPool,
        logger: createLogger({ service: 'command-test', level: 'error' }),
        metrics: createMetricsRegistry('command-test'),
        token: COMMAND_TOKEN,
      });
      commandServer = await new Promise<Server>((resolve) => {
        const listening = service.app.listen(0, '127.0.0.1', () => resolve(listening));
      });
      commandUrl = `http://127.0.0.1:${listeningPort(commandServer)}`;
    }
    fixture.config = loadConfig(readGatewayConfig, {
      DATABASE_URL: database.url,
      PORT: '0',
      OPS_PORT: '0',
      JWT_SECRET: TEST_JWT_SECRET,
      COMMAND_SERVICE_URL: commandUrl,
      COMMAND_SERVICE_TOKEN: COMMAND_TOKEN,
      ...env,
    });
    const sink = new Writable({ write: (chunk, _encoding, done) => (fixture.logLines.push(String(chunk)), done()) });
    fixture.running = await startGateway(fixture.config, createLogger({ service: 'gateway', level: 'info', stream: sink }));
    fixture.url = fixture.running.url;
    fixture.opsUrl = fixture.running.opsUrl;
    fixture.pool = await connectPostgres({ url: database.url, max: 3 });
    fixture.store = fixture.running.eventStore;
    fixture.token = (sub, roles = ['user'], claims = {}) =>
      new SignJWT({ roles, ...claims }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().setExpirationTime('10m').sign(secret);
    fixture.call = (method, path, options) => request(method, path.startsWith('//') ? `${fixture.url}${path.slice(1)}` : `${fixture.url}/api/v1${path}`, options);
    fixture.ops = (path) => request('GET', `${fixture.opsUrl}${path}`);
  });

  after(async function () {
    this.timeout(30_000);
    await fixture.running?.close();
    await fixture.pool?.end();
    if (commandServer) await closeServer(commandServer);
    await commandStore?.close();
    await commandPool?.end();
    await database?.drop();
  });

  return fixture;
}

/** A capture body the command service accepts. */
export function aCapture(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    dreamTitle: 'Habit tracker',
    brand: 'personal',
    tags: ['health'],
    fragment: { title: 'First idea', content: 'Streaks counted per day', source: 'chatgpt', url: 'https://chat.openai.com/c/1', mode: 'all' },
    ...overrides,
  };
}
