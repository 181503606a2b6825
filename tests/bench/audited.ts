/**
 * The store as the services use it: the PostgreSQL store wrapped by the audit layer, which
 * encrypts personal fields under each owner's data key and hash-chains every stream on
 * append, and decrypts on read. The command service writes through it, and the relay and
 * the projections read through it, so the stages that stand for them do too (with the
 * development master key the services fall back to, as the bench starts them).
 */
import { createAuditedStore, DEVELOPMENT_DATA_KEY_ENCRYPTION_KEY, migrateAudit, PostgresDataKeys } from '@dreamcatcher/audit';
import { createEventStore, type EventStore } from '@dreamcatcher/event-store';
import type { Pool } from '@dreamcatcher/service-kit';

export async function openAuditedStore(url: string, pool: Pool, { migrate = true } = {}): Promise<EventStore> {
  if (migrate) await migrateAudit(url);
  const inner = await createEventStore({ kind: 'postgres', pool }, { migrate });
  const keys = new PostgresDataKeys(pool, { masterKey: Buffer.from(DEVELOPMENT_DATA_KEY_ENCRYPTION_KEY, 'base64') });
  return createAuditedStore(inner, { keys });
}
