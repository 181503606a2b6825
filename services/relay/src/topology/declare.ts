import { declareExchanges, declareQueue, projectionQueueDeclaration, PROJECTION_NAMES, type Channel } from '@dreamcatcher/service-kit';

/**
 * Declares the whole topology: the exchanges and every projector's queue with its bindings
 * and dead-letter queue. The relay does this (idempotently) before it publishes, so a
 * projector that has never started still receives everything published meanwhile, and
 * nothing the relay publishes is unroutable.
 */
export async function declareTopology(channel: Channel, projections: readonly string[] = PROJECTION_NAMES): Promise<void> {
  await declareExchanges(channel);
  for (const projection of projections) await declareQueue(channel, projectionQueueDeclaration(projection));
}
