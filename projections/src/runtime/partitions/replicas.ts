/**
 * Which queues one projector process consumes, and in what order it subscribes.
 *
 * With N partitions every replica is told its own partition (`PROJECTION_PARTITION_INDEX`,
 * e.g. a StatefulSet ordinal; taken modulo N). It subscribes to that partition at once and to
 * every other partition only after `standbyDelayMs`. Single active consumer makes the first
 * subscriber of a queue the active one, so when the replicas start together each ends up
 * active on its own partition and standing by on the others: when a replica dies, the broker
 * hands its partition to a standby (another replica) at once. Without an index a process
 * subscribes to every partition at once; measured on RabbitMQ 3.10, single active consumer
 * then gives every partition to whichever replica started first (it never rebalances), so an
 * index is what spreads the work.
 */
import { type ChannelModel, DEAD_LETTER_EXCHANGE, type Logger, projectionQueues } from '@dreamcatcher/service-kit';
import { projectorOptions, type ProjectorOptions } from '../consumer.js';
import { READ_MODELS_SCHEMA } from '../names.js';
import type { Projection } from '../projection.js';
import { ProjectionPartition } from './partition.js';

export interface Consumer {
  options: ProjectorOptions;
  /** Subscribed after the delay, as a standby (a partition other than the process's own). */
  standby: boolean;
}

export interface PartitioningOptions {
  /** Partitions of the projection (1: its one queue, exactly as without partitioning). */
  count: number;
  /** This replica's own partition (modulo `count`); undefined: every partition at once. */
  index?: number | undefined;
  logger?: Logger;
}

/** The projector options of every queue `projection` is consumed from in this process. */
export function consumersOf(projection: Projection, partitioning: PartitioningOptions, overrides: Partial<Omit<ProjectorOptions, 'projection' | 'queue' | 'partition'>> = {}): Consumer[] {
  const { count, index, logger } = partitioning;
  return projectionQueues(projection.name, count).map((queue) => {
    const partition = queue.partition && new ProjectionPartition(projection.name, { ...queue, partition: queue.partition }, { schema: overrides.schema ?? READ_MODELS_SCHEMA, ...(logger && { logger }) });
    const options = projectorOptions(projection, {
      deadLetter: { exchange: DEAD_LETTER_EXCHANGE, routingKey: queue.deadLetterRoutingKey },
      ...overrides,
      queue,
      ...(partition && { partition }),
    });
    return { options, standby: partition !== undefined && index !== undefined && partition.index !== index % count };
  });
}

/** What `attachInOrder` subscribes: anything with the projector's `attach`. */
export interface Attachable {
  attach(connection: ChannelModel): Promise<void>;
}

/**
 * Subscribes the own queues now and the standby ones after `standbyDelayMs` (run on every
 * (re)connection). A standby subscription that fails (the connection closed meanwhile) is
 * left to the next reconnection.
 */
export async function attachInOrder(connection: ChannelModel, consumers: { projector: Attachable; standby: boolean; queue: string }[], { standbyDelayMs, logger }: { standbyDelayMs: number; logger?: Logger }): Promise<void> {
  for (const { projector } of consumers.filter((consumer) => !consumer.standby)) await projector.attach(connection);
  const standby = consumers.filter((consumer) => consumer.standby);
  if (!standby.length) return;
  setTimeout(() => {
    void Promise.all(
      standby.map(({ projector }) =>
        projector.attach(connection).then(
          () => true,
          (error: Error) => (logger?.debug('standby subscription deferred to the next connection', { error: error.message }), false),
        ),
      ),
    ).then((attached) => logger?.info('standing by', { queues: standby.filter((_, i) => attached[i]).map(({ queue }) => queue) }));
  }, standbyDelayMs).unref();
}
