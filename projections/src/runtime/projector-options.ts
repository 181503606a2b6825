/** How a projector consumes: its queue, batching, retries and dead letters (consumer.ts runs it). */
import type pg from 'pg';
import { DEAD_LETTER_EXCHANGE, projectionQueueDeclaration, type Logger, type QueueDeclaration } from '@dreamcatcher/service-kit';
import type { StreamReader } from './apply-batch.js';
import type { ProjectorMetrics } from './metrics.js';
import { READ_MODELS_SCHEMA } from './names.js';
import type { ProjectionPartition } from './partitions/partition.js';
import type { Projection } from './projection.js';

/** Everything about how one projection consumes, in one place. */
export interface ProjectorOptions {
  projection: Projection;
  /** The queue, its bindings and its dead-letter queue (the kit's topology). */
  queue: QueueDeclaration;
  /** Unacknowledged messages the broker may hand over at once; bounds the batch. */
  prefetch: number;
  /** Messages applied per transaction. */
  batchSize: number;
  /**
   * How long an idle projector waits for more messages before applying a batch that is not
   * full. Each transaction has a fixed cost (the trackers, the checkpoint, the commit); under a
   * steady trickle a few milliseconds turn many one-message transactions into fewer larger
   * ones, for that much more latency to visibility. 0 applies at once.
   */
  lingerMs: number;
  retry: { attempts: number; initialDelayMs: number; maxDelayMs: number };
  deadLetter: { exchange: string; routingKey: string };
  /** Schema of the read model tables. */
  schema: string;
  /** Set when the queue is one partition of the projection: only its streams are applied (see partitions/). */
  partition?: ProjectionPartition;
}

export function projectorOptions(projection: Projection, overrides: Partial<Omit<ProjectorOptions, 'projection'>> = {}): ProjectorOptions {
  const queue = overrides.queue ?? projectionQueueDeclaration(projection.name);
  return {
    projection,
    queue,
    prefetch: 500,
    batchSize: 250,
    lingerMs: 0,
    retry: { attempts: 4, initialDelayMs: 100, maxDelayMs: 2_000 },
    deadLetter: { exchange: DEAD_LETTER_EXCHANGE, routingKey: queue.queue },
    schema: READ_MODELS_SCHEMA,
    ...overrides,
  };
}

export interface ProjectorDependencies {
  pool: pg.Pool;
  /** The store's `readStream`, for gap refetches. */
  readStream: StreamReader;
  logger: Logger;
  metrics?: ProjectorMetrics;
}
