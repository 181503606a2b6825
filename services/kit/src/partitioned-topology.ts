/**
 * The broker side of partitioned projections. A projection with N > 1 partitions consumes N
 * queues `dreamcatcher.projection.<name>.p<i>` instead of its one queue. Each is a quorum
 * queue with `x-single-active-consumer`, bound to every event (so each partition's checkpoint
 * advances with the whole store), and all share the projection's dead-letter queue. With
 * N = 1 (the default) a projection keeps exactly the kit's queue, arguments and names.
 *
 * `PROJECTION_PARTITIONS` says how many partitions each projection has: `3` (every
 * projection of the process) or `dream_detail=3,catalogue=2` (the rest have 1), so one value
 * in shared configuration serves the relay (which declares the queues) and every projector.
 *
 * The relay (which declares the queues) and the projectors (which consume them) share it.
 */
import type { Channel } from 'amqplib';
import {
  ALL_EVENTS_BINDING,
  brokerDefinitions,
  DEAD_LETTER_EXCHANGE,
  declareExchanges,
  declareQueue,
  EVENTS_EXCHANGE,
  PROJECTION_NAMES,
  projectionQueue,
  projectionQueueDeclaration,
  QUEUE_ARGUMENTS,
  type QueueDeclaration,
} from './topology.js';

export const PARTITIONS_SETTING = 'PROJECTION_PARTITIONS';
export const MAX_PARTITIONS = 64;

/** A partition queue: quorum, and only one consumer at a time receives (the others stand by). */
export const PARTITION_QUEUE_ARGUMENTS: Readonly<Record<string, unknown>> = { ...QUEUE_ARGUMENTS, 'x-single-active-consumer': true };

/** How many partitions each projection has; a projection absent from the map has one. */
export type PartitionCounts = ReadonlyMap<string, number>;

/** One queue a projector consumes: the projection's queue, or one of its partition queues. */
export interface ProjectionQueue extends QueueDeclaration {
  arguments: Readonly<Record<string, unknown>>;
  /** Routing key on the dead-letter exchange that reaches `deadLetterQueue` (the projection's queue name). */
  deadLetterRoutingKey: string;
  /** Set for a partition queue. */
  partition?: { index: number; count: number };
}

export function partitionQueue(projection: string, index: number): string {
  return `${projectionQueue(projection)}.p${index}`;
}

/** The queues of `projection` with `count` partitions (count 1: the kit's single queue). */
export function projectionQueues(projection: string, count = 1): ProjectionQueue[] {
  const base = projectionQueueDeclaration(projection);
  if (count <= 1) return [{ ...base, arguments: QUEUE_ARGUMENTS, deadLetterRoutingKey: base.queue }];
  return Array.from({ length: count }, (_, index) => ({
    queue: partitionQueue(projection, index),
    bindings: [ALL_EVENTS_BINDING],
    deadLetterQueue: base.deadLetterQueue,
    arguments: PARTITION_QUEUE_ARGUMENTS,
    deadLetterRoutingKey: base.queue,
    partition: { index, count },
  }));
}

/** Declares a projection queue with its bindings and dead-letter queue (idempotent). */
export async function declareProjectionQueue(channel: Channel, queue: ProjectionQueue): Promise<void> {
  if (!queue.partition) return declareQueue(channel, queue);
  await declareExchanges(channel);
  await channel.assertQueue(queue.queue, { durable: true, arguments: { ...queue.arguments } });
  for (const pattern of queue.bindings) await channel.bindQueue(queue.queue, EVENTS_EXCHANGE, pattern);
  await channel.assertQueue(queue.deadLetterQueue, { durable: true, arguments: QUEUE_ARGUMENTS });
  await channel.bindQueue(queue.deadLetterQueue, DEAD_LETTER_EXCHANGE, queue.deadLetterRoutingKey);
}

/** Every queue of `projections`, partitioned as `counts` says. */
export function topologyQueues(projections: readonly string[], counts: PartitionCounts = new Map()): ProjectionQueue[] {
  return projections.flatMap((projection) => projectionQueues(projection, counts.get(projection) ?? 1));
}

/**
 * Reads `PROJECTION_PARTITIONS` for `projections`: empty (every count 1), `N`, or
 * `name=N,...` (names must be projections; those not in `projections` are left out).
 * Throws an Error naming the setting when the value is malformed.
 */
export function parsePartitionCounts(value: string | undefined, projections: readonly string[] = PROJECTION_NAMES): Map<string, number> {
  const counts = new Map<string, number>();
  const text = (value ?? '').trim();
  if (!text) return counts;
  const count = (raw: string, what: string) => {
    const n = /^[1-9][0-9]*$/.test(raw.trim()) ? Number(raw) : Number.NaN;
    if (!(n >= 1 && n <= MAX_PARTITIONS)) throw new Error(`${PARTITIONS_SETTING} ${what} must be a whole number from 1 to ${MAX_PARTITIONS}, got "${raw.trim()}"`);
    return n;
  };
  if (!text.includes('=')) {
    const n = count(text, 'value');
    for (const projection of projections) if (n > 1) counts.set(projection, n);
    return counts;
  }
  for (const entry of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const [name = '', raw = '', ...rest] = entry.split('=');
    if (rest.length || !name.trim()) throw new Error(`${PARTITIONS_SETTING} must be "N" or "name=N,name=N", got "${entry}"`);
    if (!(PROJECTION_NAMES as readonly string[]).includes(name.trim())) throw new Error(`${PARTITIONS_SETTING} names unknown projection "${name.trim()}"; known: ${PROJECTION_NAMES.join(', ')}`);
    const n = count(raw, `for ${name.trim()}`);
    if (n > 1 && projections.includes(name.trim())) counts.set(name.trim(), n);
  }
  return counts;
}

/** `dream_detail=3`: the canonical form of `counts` (empty when nothing is partitioned). */
export function formatPartitionCounts(counts: PartitionCounts): string {
  return [...counts].filter(([, n]) => n > 1).map(([name, n]) => `${name}=${n}`).join(',');
}

/**
 * RabbitMQ definitions (`rabbitmqctl import_definitions`) of the exchanges and every queue of
 * `projections`. Without partitions this is exactly the kit's `brokerDefinitions`.
 */
export function brokerDefinitionsFor(projections: readonly string[], counts: PartitionCounts = new Map(), vhost = '/'): Record<string, unknown> {
  const base = brokerDefinitions([...projections], vhost) as { exchanges: unknown[] };
  const queues = topologyQueues(projections, counts);
  const queue = (name: string, args: Readonly<Record<string, unknown>>) => ({ name, vhost, durable: true, auto_delete: false, arguments: { ...args } });
  const binding = (source: string, destination: string, key: string) => ({ source, vhost, destination, destination_type: 'queue', routing_key: key, arguments: {} });
  return {
    exchanges: base.exchanges,
    queues: projections.flatMap((projection) => {
      const own = queues.filter((q) => q.deadLetterRoutingKey === projectionQueue(projection));
      return [...own.map((q) => queue(q.queue, q.arguments)), queue(own[0]!.deadLetterQueue, QUEUE_ARGUMENTS)];
    }),
    bindings: projections.flatMap((projection) => {
      const own = queues.filter((q) => q.deadLetterRoutingKey === projectionQueue(projection));
      return [
        ...own.flatMap((q) => q.bindings.map((pattern) => binding(EVENTS_EXCHANGE, q.queue, pattern))),
        binding(DEAD_LETTER_EXCHANGE, own[0]!.deadLetterQueue, projectionQueue(projection)),
      ];
    }),
  };
}
