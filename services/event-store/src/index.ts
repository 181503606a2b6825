export * from './event-store.js';
export * from './errors.js';
export { formatPosition, parsePosition } from './wire.js';
export { createEventStore, eventStoreConfigFrom, type EventStoreConfig, type EventStoreOptions } from './factory.js';
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres-store.js';
export { migrateEventStore, APPEND_CHANNEL } from './postgres/schema.js';
export { MAX_EVENTS_PER_APPEND } from './append-rules.js';
export { EsdbEventStore, type EsdbEventStoreOptions } from './esdb/esdb-store.js';
export * from './migration/index.js';
