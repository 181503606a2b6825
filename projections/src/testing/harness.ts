/** Test plumbing: a database with the read models and a PostgreSQL event store, and ways to feed projections. */
import pg from 'pg';
import { routingKey } from '@dreamcatcher/contracts';
import { createEventStore, type EventStore } from '@dreamcatcher/event-store';
import { Writable } from 'node:stream';
import amqplib from 'amqplib';
import { createLogger, EVENTS_EXCHANGE, declareQueue, PROJECTION_NAMES, projectionQueueDeclaration, type Channel, type ChannelModel, type ConfirmChannel, type Logger } from '@dreamcatcher/service-kit';
import { createTestDatabase, createTestVhost, type TestResource } from '@dreamcatcher/service-kit/testing';
import { migrateReadModels } from '../migrations.js';
import { applyBatch } from '../runtime/apply-batch.js';
import { lockProjection } from '../runtime/checkpoints.js';
import { toEnvelope, type ProjectionEvent } from '../runtime/events.js';
import { READ_MODELS_SCHEMA } from '../runtime/names.js';
import type { Projection } from '../runtime/projection.js';
import { storeReader } from '../rebuild/build.js';
import type { DreamScript } from './dream-script.js';

export interface ReadModelDatabase {
  url: string;
  pool: pg.Pool;
  store: EventStore;
  close(): Promise<void>;
}

/**
 * Mocha hooks giving the enclosing `describe` its own database with the read models and an
 * event store; closed before the database is dropped. Read `.db` inside tests and hooks.
 */
export function useReadModelDatabase(prefix: string): { db: ReadModelDatabase } {
  const holder = {} as { db: ReadModelDatabase };
  let resource: TestResource | undefined;
  before(async function () {
    this.timeout(30_000);
    resource = await createTestDatabase(prefix);
    holder.db = await openReadModelDatabase(resource.url);
  });
  after(async function () {
    this.timeout(30_000);
    await holder.db?.close();
    await resource?.drop();
  });
  return holder;
}

/** Read models migrated and an event store created on the database at `url`. */
export async function openReadModelDatabase(url: string): Promise<ReadModelDatabase> {
  await migrateReadModels(url);
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  pool.on('error', () => undefined);
  const store = await createEventStore({ kind: 'postgres', pool });
  return {
    url,
    pool,
    store,
    async close() {
      await store.close();
      await pool.end();
    },
  };
}

/** Appends each script's events to its stream; returns them as projections see them, in append order. */
export async function appendScripts(store: EventStore, scripts: DreamScript[]): Promise<ProjectionEvent[]> {
  const recorded: ProjectionEvent[] = [];
  for (const script of scripts) {
    const result = await store.appendToStream(script.streamId, script.events);
    script.events.forEach((event, index) => {
      const { revision, position } = result.events[index]!;
      recorded.push({ eventId: event.id, type: event.type, data: event.data, metadata: event.metadata, streamId: script.streamId, revision, position });
    });
    script.events.length = 0;
  }
  return recorded.sort((a, b) => (a.position < b.position ? -1 : 1));
}

/** Applies events to a projection the way the projector does (one transaction per batch), without the broker. */
export async function project(db: ReadModelDatabase, projection: Projection, events: ProjectionEvent[], batchSize = events.length || 1): Promise<void> {
  for (let start = 0; start < events.length; start += batchSize) {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await lockProjection(client, projection.name);
      await applyBatch(client, projection, events.slice(start, start + batchSize), { schema: READ_MODELS_SCHEMA, readStream: storeReader(db.store), notify: true });
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
}

/** Declares the projections' queues (so nothing published before a projector starts is lost). */
export async function declareProjectionQueues(channel: Channel, names: readonly string[]): Promise<void> {
  for (const name of names) await declareQueue(channel, projectionQueueDeclaration(name));
}

/** Publishes events as the relay does: the envelope, with its routing key, id and headers. */
export function publishEnvelope(channel: Channel, event: ProjectionEvent, { exchange = EVENTS_EXCHANGE, routing }: { exchange?: string; routing?: string } = {}): void {
  channel.publish(exchange, routing ?? routingKey(event.type, 1), Buffer.from(JSON.stringify(toEnvelope(event))), {
    persistent: true,
    contentType: 'application/json',
    messageId: event.eventId,
    type: event.type,
    headers: {
      'x-stream': event.streamId,
      'x-revision': event.revision.toString(),
      'x-position': event.position.toString(),
      'x-correlation-id': event.metadata.correlationId,
      'x-causation-id': event.metadata.causationId,
    },
  });
}

/** A logger that writes nowhere (expected errors would clutter the test output). */
export function quietLogger(): Logger {
  return createLogger({ service: 'test', level: 'error', stream: new Writable({ write: (_chunk, _encoding, done) => done() }) });
}

export interface TestBroker {
  url: string;
  vhost: string;
  connection: ChannelModel;
  publisher: ConfirmChannel;
}

/**
 * Mocha hooks giving the enclosing `describe` its own vhost with every projection queue
 * declared, a connection and a confirm channel to publish on; `cleanup` runs (e.g. stopping
 * consumers) before the connection closes and the vhost goes.
 */
export function useTestBroker(prefix: string, cleanup?: () => Promise<void>): { broker: TestBroker } {
  const holder = {} as { broker: TestBroker };
  let resource: TestResource | undefined;
  before(async function () {
    this.timeout(30_000);
    resource = await createTestVhost(prefix);
    const connection = await amqplib.connect(resource.url);
    const publisher = await connection.createConfirmChannel();
    await declareProjectionQueues(publisher, PROJECTION_NAMES);
    holder.broker = { url: resource.url, vhost: resource.name, connection, publisher };
  });
  after(async function () {
    this.timeout(30_000);
    await cleanup?.();
    await holder.broker?.connection.close().catch(() => undefined);
    await resource?.drop();
  });
  return holder;
}
