/**
 * A store named on the command line: a PostgreSQL URL (`postgres://...`, the embedded store's
 * database) or an EventStoreDB connection string (`esdb://`, `esdb+discover://`, `kurrentdb://`).
 * Stores are opened raw: a copy moves events exactly as stored.
 */
import type { EventStore } from '@dreamcatcher/event-store';
import type { Pool } from '@dreamcatcher/service-kit';
import { usage } from '../context.js';

export type StoreKind = 'postgres' | 'esdb';

export interface OpenedStore {
  kind: StoreKind;
  /** The location without credentials or options, e.g. `postgres://db.internal:5432/dreamcatcher`. */
  name: string;
  store: EventStore;
  /** PostgreSQL only. */
  pool?: Pool;
  close(): Promise<void>;
}

export function kindOf(location: string): StoreKind {
  const scheme = /^([a-z+]+):\/\//i.exec(location)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return 'postgres';
  if (scheme === 'esdb' || scheme === 'esdb+discover' || scheme === 'kurrentdb' || scheme === 'kurrentdb+discover' || scheme === 'kurrent') return 'esdb';
  throw usage(`"${location.replace(/\/\/[^@/]*@/, '//')}" is neither a PostgreSQL URL (postgres://) nor an EventStoreDB connection string (esdb://, kurrentdb://)`);
}

/** `scheme://host[:port][/database]` of a location: what names a copy, without secrets. */
export function describeLocation(location: string): string {
  const match = /^([a-z+]+):\/\/(?:[^@/]*@)?([^/?]*)(\/[^?]*)?/i.exec(location);
  return match ? `${match[1]!.toLowerCase()}://${match[2]}${match[3] ?? ''}` : location;
}

export async function openStore(location: string): Promise<OpenedStore> {
  const kind = kindOf(location);
  const name = describeLocation(location);
  const { createEventStore } = await import('@dreamcatcher/event-store');
  if (kind === 'esdb') {
    const store = await createEventStore({ kind: 'esdb', connectionString: location });
    return { kind, name, store, close: () => store.close() };
  }
  const { connectPostgres } = await import('@dreamcatcher/service-kit');
  const pool = await connectPostgres({ url: location, max: 4, applicationName: 'dreamcatcher-cli' });
  try {
    const store = await createEventStore({ kind: 'postgres', pool });
    return {
      kind,
      name,
      store,
      pool,
      close: async () => {
        await store.close();
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/** Every committed event of a PostgreSQL store, readable or not yet (its readable end can lag behind). */
export async function lastCommitted(pool: Pool): Promise<bigint> {
  const { rows } = await pool.query<{ head: string | null }>('SELECT max(position)::text AS head FROM event_store.events');
  return BigInt(rows[0]!.head ?? '0');
}
