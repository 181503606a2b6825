/**
 * Baselines: what PostgreSQL and RabbitMQ do with no design on top, measured in the same
 * run as the stages they bound.
 *
 * - raw single-row INSERT of the event row (the store's columns, keys and unique
 *   constraints; a named statement, so parsed once per connection), one per transaction,
 *   at 1, 8 and 32 concurrent clients with a pool of that size;
 * - raw 100-row INSERT (`unnest` of arrays), rows/s;
 * - raw persistent publish with publisher confirms: pre-encoded messages to the same
 *   exchange and queues as the relay, with as many unconfirmed at once as the relay allows.
 */
import { randomUUID } from 'node:crypto';
import type { ConfirmChannel, Options } from 'amqplib';
import type pg from 'pg';
import { EVENTS_EXCHANGE } from '@dreamcatcher/service-kit';
import { fragmentCaptured, rawRow, RAW_EVENTS_DDL } from './events.js';
import { closedLoop, type Window } from './measure.js';

/** Events per stream before a writer moves to a new one: streams of a realistic length. */
export const EVENTS_PER_STREAM = 20;

const INSERT_ROW = {
  name: 'bench_raw_insert',
  text: `INSERT INTO bench_raw.events (stream_id, revision, event_id, type, data, metadata) VALUES ($1, $2, $3, $4, $5, $6)`,
};

const INSERT_BATCH = {
  name: 'bench_raw_insert_batch',
  text: `INSERT INTO bench_raw.events (stream_id, revision, event_id, type, data, metadata)
    SELECT * FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[])`,
};

export async function createRawTable(pool: pg.Pool): Promise<void> {
  await pool.query(RAW_EVENTS_DDL);
}

/** Single-row INSERTs per second with `writers` concurrent clients, each writing its own streams. */
export async function rawInsertRate(pool: pg.Pool, writers: number, window: Window): Promise<number> {
  const streams = Array.from({ length: writers }, () => randomUUID());
  const result = await closedLoop(writers, window, async (worker, n) => {
    if (n % EVENTS_PER_STREAM === 0) streams[worker] = randomUUID();
    const streamId = `raw-${streams[worker]}`;
    await pool.query({ ...INSERT_ROW, values: rawRow(streamId, n % EVENTS_PER_STREAM, fragmentCaptured(streams[worker]!, 'bench-user', n)) });
  });
  return result.rate;
}

/** Rows per second inserted 100 per statement by `writers` concurrent clients. */
export async function rawBatchInsertRate(pool: pg.Pool, writers: number, window: Window, batch = 100): Promise<number> {
  const result = await closedLoop(writers, window, async () => {
    const columns: unknown[][] = [[], [], [], [], [], []];
    const streamId = `raw-batch-${randomUUID()}`;
    for (let revision = 0; revision < batch; revision++) {
      rawRow(streamId, revision, fragmentCaptured(streamId, 'bench-user', revision)).forEach((value, column) => columns[column]!.push(value));
    }
    await pool.query({ ...INSERT_BATCH, values: columns });
  });
  return result.rate * batch;
}

export interface PreparedMessage {
  routingKey: string;
  content: Buffer;
  options: Options.Publish;
}

/** Messages per second published persistently and confirmed, `maxInFlight` unconfirmed at most. */
export async function rawPublishRate(channel: ConfirmChannel, messages: PreparedMessage[], maxInFlight: number): Promise<number> {
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    let next = 0;
    let inFlight = 0;
    let failed = false;
    const pump = () => {
      while (!failed && inFlight < maxInFlight && next < messages.length) {
        const message = messages[next++]!;
        inFlight++;
        channel.publish(EVENTS_EXCHANGE, message.routingKey, message.content, message.options, (error) => {
          if (error) {
            failed = true;
            reject(error as Error);
            return;
          }
          inFlight--;
          if (next === messages.length && inFlight === 0) resolve();
          else pump();
        });
      }
    };
    pump();
  });
  return messages.length / ((performance.now() - started) / 1000);
}
