/**
 * The broker topology, as code. Every service declares what it uses at start-up
 * (declarations are idempotent), and `infra/rabbitmq/definitions.json` is generated
 * from here for operators who pre-provision a broker.
 *
 * - `dreamcatcher.events`: durable topic exchange; the relay publishes every event to it
 *   with routing key `dream.<kebab-type>.v<version>`. Integrations bind their own queues.
 * - `dreamcatcher.projection.<name>`: one durable quorum queue per projection, bound to
 *   every event (`dream.#`) so that its checkpoint advances with the whole store and a
 *   reader waiting for a position is never left waiting on an event the projection ignores.
 * - `dreamcatcher.dead-letter`: durable direct exchange; a message a projector cannot apply
 *   after its retries is published there with the error, routed by the queue's name to
 *   `dreamcatcher.projection.<name>.dead-letter`.
 */
import type { Channel } from 'amqplib';

export const EVENTS_EXCHANGE = 'dreamcatcher.events';
export const DEAD_LETTER_EXCHANGE = 'dreamcatcher.dead-letter';
export const ALL_EVENTS_BINDING = 'dream.#';

/** Every projection the system runs; each owns one queue and one checkpoint. */
export const PROJECTION_NAMES = ['dream_summary', 'dream_detail', 'sync_status', 'user_activity', 'dream_search', 'catalogue'] as const;
export type ProjectionName = (typeof PROJECTION_NAMES)[number];

export function projectionQueue(projection: string): string {
  return `dreamcatcher.projection.${projection}`;
}

export function deadLetterQueue(queue: string): string {
  return `${queue}.dead-letter`;
}

/** Quorum queues replicate across a RabbitMQ cluster and survive node loss; the broker here (3.10) supports them. */
export const QUEUE_ARGUMENTS = { 'x-queue-type': 'quorum' } as const;

export interface QueueDeclaration {
  queue: string;
  bindings: string[];
  deadLetterQueue: string;
}

export function projectionQueueDeclaration(projection: string): QueueDeclaration {
  const queue = projectionQueue(projection);
  return { queue, bindings: [ALL_EVENTS_BINDING], deadLetterQueue: deadLetterQueue(queue) };
}

export async function declareExchanges(channel: Channel): Promise<void> {
  await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
  await channel.assertExchange(DEAD_LETTER_EXCHANGE, 'direct', { durable: true });
}

/** Declares a consumer's queue, its bindings and its dead-letter queue. */
export async function declareQueue(channel: Channel, declaration: QueueDeclaration): Promise<void> {
  await declareExchanges(channel);
  await channel.assertQueue(declaration.queue, { durable: true, arguments: QUEUE_ARGUMENTS });
  for (const pattern of declaration.bindings) await channel.bindQueue(declaration.queue, EVENTS_EXCHANGE, pattern);
  await channel.assertQueue(declaration.deadLetterQueue, { durable: true, arguments: QUEUE_ARGUMENTS });
  await channel.bindQueue(declaration.deadLetterQueue, DEAD_LETTER_EXCHANGE, declaration.queue);
}

/** RabbitMQ definitions (the format `rabbitmqctl import_definitions` reads) for the given projections. */
export function brokerDefinitions(projections: string[], vhost = '/'): Record<string, unknown> {
  const declarations = projections.map(projectionQueueDeclaration);
  const queue = (name: string) => ({ name, vhost, durable: true, auto_delete: false, arguments: QUEUE_ARGUMENTS });
  return {
    exchanges: [
      { name: EVENTS_EXCHANGE, vhost, type: 'topic', durable: true, auto_delete: false, internal: false, arguments: {} },
      { name: DEAD_LETTER_EXCHANGE, vhost, type: 'direct', durable: true, auto_delete: false, internal: false, arguments: {} },
    ],
    queues: declarations.flatMap((d) => [queue(d.queue), queue(d.deadLetterQueue)]),
    bindings: declarations.flatMap((d) => [
      ...d.bindings.map((pattern) => ({ source: EVENTS_EXCHANGE, vhost, destination: d.queue, destination_type: 'queue', routing_key: pattern, arguments: {} })),
      { source: DEAD_LETTER_EXCHANGE, vhost, destination: d.deadLetterQueue, destination_type: 'queue', routing_key: d.queue, arguments: {} },
    ]),
  };
}
