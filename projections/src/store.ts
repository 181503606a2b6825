/**
 * The event store as projections read it (gap refetches, rebuilds): through the audited
 * store, like every reader of dream events, so that personal fields arrive decrypted (or as
 * placeholders once erased), exactly as the relay publishes them. Reading the raw store
 * would put ciphertext into the read models.
 */
import { createAuditedStore, migrateAudit, PostgresDataKeys, readAuditConfig, type AuditConfig } from '@dreamcatcher/audit';
import { createEventStore, eventStoreConfigFrom, type EventStore } from '@dreamcatcher/event-store';
import type { CommonConfig, EnvReader, Logger, Pool } from '@dreamcatcher/service-kit';

export type StoreConfig = Pick<CommonConfig, 'databaseUrl' | 'eventStore' | 'eventStoreConnectionString'> & { audit: AuditConfig };

export function readStoreConfig(env: EnvReader): { audit: AuditConfig } {
  return { audit: readAuditConfig(env) };
}

export async function openEventStore(config: StoreConfig, pool: Pool, logger?: Logger): Promise<EventStore> {
  await migrateAudit(config.databaseUrl, logger);
  const inner = await createEventStore(eventStoreConfigFrom(config, pool), { logger });
  const keys = new PostgresDataKeys(pool, { masterKey: config.audit.dataKeyEncryptionKey, cacheTtlMs: config.audit.dataKeyCacheTtlMs });
  return createAuditedStore(inner, { keys });
}
