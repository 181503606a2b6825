/**
 * Configuration and connections, from the environment like the services: DATABASE_URL,
 * AMQP_URL, EVENT_STORE (+ EVENTSTORE_CONNECTION_STRING) and the audited store's
 * DATA_KEY_ENCRYPTION_KEY. Each command opens only what it uses and closes it when done.
 */
import { readAuditConfig, type AuditConfig } from '@dreamcatcher/audit';
import type { EventStore } from '@dreamcatcher/event-store';
import { connectPostgres, loadConfig, readCommonConfig, type CommonConfig, type Pool } from '@dreamcatcher/service-kit';
import amqplib from 'amqplib';

export type CliConfig = CommonConfig & AuditConfig;

export function readConfig(env: NodeJS.ProcessEnv): CliConfig {
  return loadConfig((reader) => ({ ...readCommonConfig(reader, 'dreamcatcher-cli'), ...readAuditConfig(reader) }), env);
}

export async function withPool<T>(config: CliConfig, work: (pool: Pool) => Promise<T>, max = 4): Promise<T> {
  const pool = await connectPostgres({ url: config.databaseUrl, max, applicationName: 'dreamcatcher-cli' });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

/**
 * The configured event store. `audited` (default) reads through the audited store, so
 * personal fields arrive decrypted as every reader sees them; the raw store is what
 * chain verification and copies read.
 */
export async function withStore<T>(config: CliConfig, work: (store: EventStore, pool: Pool) => Promise<T>, { audited = true, poolSize = 4 } = {}): Promise<T> {
  return withPool(
    config,
    async (pool) => {
      const { createEventStore, eventStoreConfigFrom } = await import('@dreamcatcher/event-store');
      const raw = await createEventStore(eventStoreConfigFrom(config, pool));
      let store = raw;
      if (audited) {
        const { createAuditedStore, migrateAudit, PostgresDataKeys } = await import('@dreamcatcher/audit');
        await migrateAudit(config.databaseUrl);
        store = createAuditedStore(raw, { keys: new PostgresDataKeys(pool, { masterKey: config.dataKeyEncryptionKey, cacheTtlMs: config.dataKeyCacheTtlMs }) });
      }
      try {
        return await work(store, pool);
      } finally {
        await store.close();
      }
    },
    poolSize,
  );
}

export async function withBroker<T>(config: CliConfig, work: (connection: amqplib.ChannelModel) => Promise<T>): Promise<T> {
  const connection = await amqplib.connect(config.amqpUrl, { clientProperties: { connection_name: 'dreamcatcher-cli' } });
  try {
    return await work(connection);
  } finally {
    await connection.close().catch(() => undefined);
  }
}
