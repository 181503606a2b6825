import { randomBytes } from 'node:crypto';
import { createEventStore, type EventStore } from '@dreamcatcher/event-store';
import { connectPostgres, type Pool } from '@dreamcatcher/service-kit';
import { eventually, useTestDatabase } from '@dreamcatcher/service-kit/testing';
import { createAuditedStore, type AuditedEventStore } from '../audited-store.js';
import { migrateAudit, PostgresDataKeys } from '../keys/postgres-data-keys.js';

/** What an audit spec works with, set once the `before` hook ran. */
export interface AuditFixture {
  url: string;
  pool: Pool;
  /** The PostgreSQL event store, undecorated. */
  raw: EventStore;
  keys: PostgresDataKeys;
  masterKey: Buffer;
  /** The audited store over `raw` (chain fields hidden on read). */
  store: AuditedEventStore;
  /** The same, showing the chain fields (what auditors read history with). */
  auditorStore: AuditedEventStore;
  /**
   * Waits until every event written so far is readable in the global order. A transaction
   * elsewhere in the PostgreSQL cluster (other tests share it) can hold the order back for a moment.
   */
  allReadable(): Promise<void>;
}

/**
 * Mocha hooks giving the enclosing `describe` its own database with the event store and
 * the audit schema, a key store on it and audited stores over it.
 */
export function useAuditFixture(options: { cacheTtlMs?: number } = {}): AuditFixture {
  const database = useTestDatabase('audit');
  const fixture = {} as AuditFixture;
  before(async function () {
    this.timeout(30_000);
    fixture.url = database.url;
    fixture.pool = await connectPostgres({ url: database.url, max: 10 });
    await migrateAudit(database.url);
    fixture.raw = await createEventStore({ kind: 'postgres', pool: fixture.pool });
    fixture.masterKey = randomBytes(32);
    fixture.keys = new PostgresDataKeys(fixture.pool, { masterKey: fixture.masterKey, cacheTtlMs: options.cacheTtlMs ?? 5_000 });
    fixture.store = createAuditedStore(fixture.raw, { keys: fixture.keys });
    fixture.auditorStore = createAuditedStore(fixture.raw, { keys: fixture.keys, revealChain: true });
    fixture.allReadable = async () => {
      const { rows } = await fixture.pool.query<{ last: bigint | null }>('SELECT max(position) AS last FROM event_store.events');
      const last = rows[0]!.last ?? 0n;
      await eventually(async () => (await fixture.raw.headPosition()) >= last, { timeoutMs: 20_000, what: `position ${last} to be readable in the global order` });
    };
  });
  after(async () => {
    await fixture.raw?.close();
    await fixture.pool?.end();
  });
  return fixture;
}
