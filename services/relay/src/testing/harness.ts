/** A store on a test database and a relay on a test vhost, for the relay's integration specs. */
import { createEventStore, type EventStore } from '@dreamcatcher/event-store';
import { connectPostgres, createLogger, createMetricsRegistry, type Logger, type Pool, type Registry } from '@dreamcatcher/service-kit';
import { createTestDatabase, createTestVhost, type TestResource } from '@dreamcatcher/service-kit/testing';
import { startRelay, type Relay, type RelayOptions } from '../relay.js';
import { collectQueue, type Collector, type CollectorOptions } from './queue-collector.js';

export const testLogger: Logger = createLogger({ service: 'relay-test', level: process.env.TEST_LOG_LEVEL ?? 'error' });

export interface StoreHandle {
  pool: Pool;
  store: EventStore;
  close(): Promise<void>;
}

export async function openStore(databaseUrl: string): Promise<StoreHandle> {
  const pool = await connectPostgres({ url: databaseUrl, max: 25 });
  const store = await createEventStore({ kind: 'postgres', pool }, { pollIntervalMs: 200 });
  return {
    pool,
    store,
    async close() {
      await store.close();
      await pool.end();
    },
  };
}

export interface RelayHandle {
  relay: Relay;
  metrics: Registry;
}

export async function runRelay(handle: StoreHandle, databaseUrl: string, amqpUrl: string, options: Partial<RelayOptions> = {}): Promise<RelayHandle> {
  const metrics = createMetricsRegistry('relay');
  const relay = await startRelay({
    store: handle.store,
    pool: handle.pool,
    databaseUrl,
    amqpUrl,
    logger: testLogger,
    metrics,
    lockRetryMs: 200,
    ...options,
  });
  return { relay, metrics };
}

export interface RelayEnvironment {
  database: { url: string };
  vhost: { url: string };
  /** Set by the environment's `before` hook. */
  handle: StoreHandle;
  /** Runs `close` after the describe's tests, before the database and vhost are dropped (last registered, first run). */
  defer(close: () => Promise<unknown>): void;
  /** A relay closed with the environment. */
  relay(options?: Partial<RelayOptions>): Promise<RelayHandle>;
  /** A test queue on the events exchange, closed with the environment. */
  collector(options: Omit<CollectorOptions, 'url' | 'logger'>): Promise<Collector>;
}

/**
 * A describe's own database (with the store) and vhost, created and dropped in parallel
 * (broker vhost commands take about a second each). Relays, consumers and the store are
 * closed before the database and vhost are dropped.
 */
export function useRelayEnvironment(prefix: string): RelayEnvironment {
  const closers: (() => Promise<unknown>)[] = [];
  let resources: TestResource[] = [];
  const database = { url: '' };
  const vhost = { url: '' };
  const environment: RelayEnvironment = {
    database,
    vhost,
    handle: undefined as unknown as StoreHandle,
    defer: (close) => void closers.push(close),
    async relay(options = {}) {
      const relay = await runRelay(environment.handle, database.url, vhost.url, options);
      closers.push(() => relay.relay.stop());
      return relay;
    },
    async collector(options) {
      const collector = await collectQueue({ url: vhost.url, logger: testLogger, ...options });
      closers.push(() => collector.close());
      return collector;
    },
  };
  before(async function () {
    this.timeout(30_000);
    resources = await Promise.all([createTestDatabase(prefix), createTestVhost(prefix)]);
    database.url = resources[0]!.url;
    vhost.url = resources[1]!.url;
    environment.handle = await openStore(database.url);
    closers.push(() => environment.handle.close());
  });
  after(async function () {
    this.timeout(30_000);
    for (const close of closers.reverse()) await close().catch((error: Error) => testLogger.warn('cleanup failed', { error: error.message }));
    await Promise.all(resources.map((resource) => resource.drop()));
  });
  return environment;
}
