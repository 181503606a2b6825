/** A store on a test database and a relay on a test vhost, for the relay's integration specs. */
import { createEventStore, type EventStore } from '@dreamcatcher/event-store';
import { connectPostgres, createLogger, createMetricsRegistry, type Logger, type Pool, type Registry } from '@dreamcatcher/service-kit';
import { startRelay, type Relay, type RelayOptions } from '../relay.js';

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
