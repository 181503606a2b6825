/**
 * Choosing the store. `EVENT_STORE=postgres|esdb` is read once by the service's entry point
 * (the kit's `readCommonConfig`); this turns that choice into a store.
 */
import type { CommonConfig, Logger, Pool } from '@dreamcatcher/service-kit';
import type { EventStore } from './event-store.js';
import { EsdbEventStore } from './esdb/esdb-store.js';
import { PostgresEventStore } from './postgres/postgres-store.js';
import { migrateEventStore } from './postgres/schema.js';

export type EventStoreConfig = { kind: 'postgres'; pool: Pool } | { kind: 'esdb'; connectionString: string };

export interface EventStoreOptions {
  logger?: Logger | undefined;
  /** PostgreSQL: create the schema when missing (default true; idempotent and safe to run concurrently). */
  migrate?: boolean;
  /** PostgreSQL: idle poll interval of subscriptions, a fallback for lost notifications (default 500 ms). */
  pollIntervalMs?: number;
  /** PostgreSQL: events a subscription reads per page (default 500). */
  subscriptionPageSize?: number;
  /** PostgreSQL: appends within this long of the last NOTIFY share the next one (default 10 ms). */
  notifyIntervalMs?: number;
}

/**
 * The configured event store. The PostgreSQL store uses the caller's pool (and leaves it
 * open on `close`); the EventStoreDB store owns its client and disposes of it on `close`.
 */
export async function createEventStore(config: EventStoreConfig, options: EventStoreOptions = {}): Promise<EventStore> {
  switch (config.kind) {
    case 'postgres':
      if (options.migrate ?? true) await migrateEventStore(config.pool);
      return new PostgresEventStore(config.pool, options);
    case 'esdb':
      return new EsdbEventStore(config.connectionString, { logger: options.logger });
    default: {
      const unknown: never = config;
      throw new Error(`Unknown event store kind: ${JSON.stringify(unknown)}`);
    }
  }
}

/** The factory's config from the common service config; `pool` serves the PostgreSQL store. */
export function eventStoreConfigFrom(
  common: Pick<CommonConfig, 'eventStore' | 'eventStoreConnectionString'>,
  pool: Pool,
): EventStoreConfig {
  if (common.eventStore === 'postgres') return { kind: 'postgres', pool };
  if (!common.eventStoreConnectionString) throw new Error('EVENTSTORE_CONNECTION_STRING is required when EVENT_STORE=esdb');
  return { kind: 'esdb', connectionString: common.eventStoreConnectionString };
}
