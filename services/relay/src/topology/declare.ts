import {
  type Channel,
  declareExchanges,
  declareProjectionQueue,
  type PartitionCounts,
  PROJECTION_NAMES,
  topologyQueues,
} from '@dreamcatcher/service-kit';

/**
 * Declares the whole topology: the exchanges and every projector's queue with its bindings
 * and dead-letter queue (a partitioned projection's N partition queues instead of its one).
 * The relay does this (idempotently) before it publishes, so a projector that has never
 * started still receives everything published meanwhile, and nothing the relay publishes is
 * unroutable.
 */
export async function declareTopology(channel: Channel, projections: readonly string[] = PROJECTION_NAMES, partitions: PartitionCounts = new Map()): Promise<void> {
  await declareExchanges(channel);
  for (const queue of topologyQueues(projections, partitions)) await declareProjectionQueue(channel, queue);
}
