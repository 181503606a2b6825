/**
 * Dead letters: messages a projector gave up on, kept in the projection's dead-letter
 * queue with the error in their headers. The CLI lists and inspects them (fetching without
 * acknowledging, then closing the channel, which returns them to the queue untouched) and
 * replays them: republished straight to the queue they came from (the projection's queue, or
 * the partition queue for a partitioned projection; default exchange, so no other consumer
 * sees them twice), each acknowledged in the dead-letter queue only once the broker has
 * confirmed its replay. Only the dead-letter queue is declared here: declaring the
 * projection's own queue for a partitioned projection would leave an unconsumed copy of
 * every event behind.
 */
import type { GetMessage } from 'amqplib';
import { DEAD_LETTER_EXCHANGE, projectionQueue, projectionQueueDeclaration, QUEUE_ARGUMENTS, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from '@dreamcatcher/service-kit';

const PREFIX = 'x-dead-letter-';

export function deadLetterHeaders(
  message: ConsumeMessage,
  error: Error,
  { attempts, projection, queue }: { attempts: number; projection: string; queue: string },
): Record<string, unknown> {
  return {
    ...message.properties.headers,
    [`${PREFIX}reason`]: error.message.slice(0, 2_000),
    [`${PREFIX}error`]: error.name,
    [`${PREFIX}stack`]: (error.stack ?? '').split('\n').slice(0, 8).join('\n'),
    [`${PREFIX}attempts`]: attempts,
    [`${PREFIX}at`]: new Date().toISOString(),
    [`${PREFIX}projection`]: projection,
    [`${PREFIX}queue`]: queue,
    [`${PREFIX}routing-key`]: message.fields.routingKey,
  };
}

export interface DeadLetter {
  messageId: string | null;
  type: string | null;
  routingKey: string | null;
  streamId: string | null;
  revision: string | null;
  position: string | null;
  reason: string | null;
  error: string | null;
  attempts: number | null;
  failedAt: string | null;
  /** The message body (the event envelope), parsed when it is JSON. */
  body: unknown;
  stack?: string | null;
}

function header(message: GetMessage, name: string): string | null {
  const value = message.properties.headers?.[name];
  return value === undefined || value === null ? null : String(value);
}

function describe(message: GetMessage): DeadLetter {
  let body: unknown;
  try {
    body = JSON.parse(message.content.toString('utf8'));
  } catch {
    body = message.content.toString('utf8');
  }
  const attempts = header(message, `${PREFIX}attempts`);
  return {
    messageId: message.properties.messageId ?? null,
    type: message.properties.type ?? null,
    routingKey: header(message, `${PREFIX}routing-key`),
    streamId: header(message, 'x-stream'),
    revision: header(message, 'x-revision'),
    position: header(message, 'x-position'),
    reason: header(message, `${PREFIX}reason`),
    error: header(message, `${PREFIX}error`),
    attempts: attempts === null ? null : Number(attempts),
    failedAt: header(message, `${PREFIX}at`),
    body,
  };
}

/** Fetches up to `limit` dead letters without removing them; `use` runs while they are held. */
async function holding<T>(connection: ChannelModel, projection: string, limit: number, use: (messages: GetMessage[], channel: ConfirmChannel) => Promise<T>): Promise<T> {
  const declaration = projectionQueueDeclaration(projection);
  const channel = await connection.createConfirmChannel();
  try {
    await channel.assertExchange(DEAD_LETTER_EXCHANGE, 'direct', { durable: true });
    await channel.assertQueue(declaration.deadLetterQueue, { durable: true, arguments: QUEUE_ARGUMENTS });
    await channel.bindQueue(declaration.deadLetterQueue, DEAD_LETTER_EXCHANGE, declaration.queue);
    const messages: GetMessage[] = [];
    while (messages.length < limit) {
      const message = await channel.get(declaration.deadLetterQueue, { noAck: false });
      if (!message) break;
      messages.push(message);
    }
    return await use(messages, channel);
  } finally {
    // Closing returns every message not acknowledged to the queue.
    await channel.close().catch(() => undefined);
  }
}

export async function listDeadLetters(connection: ChannelModel, projection: string, { limit = 1_000 } = {}): Promise<DeadLetter[]> {
  return holding(connection, projection, limit, async (messages) => messages.map(describe));
}

/** One dead letter by message id (the event id), with the error's stack. */
export async function showDeadLetter(connection: ChannelModel, projection: string, messageId: string, { limit = 10_000 } = {}): Promise<DeadLetter | undefined> {
  return holding(connection, projection, limit, async (messages) => {
    const message = messages.find((candidate) => candidate.properties.messageId === messageId);
    return message && { ...describe(message), stack: header(message, `${PREFIX}stack`) };
  });
}

/** The queue a dead letter came from, when it is one of `projection`'s queues; else the projection's queue. */
function originOf(message: GetMessage, projection: string): string {
  const queue = projectionQueue(projection);
  const origin = header(message, `${PREFIX}queue`);
  const partition = origin?.startsWith(`${queue}.p`) && /^[0-9]+$/.test(origin.slice(queue.length + 2));
  return origin !== null && (origin === queue || partition) ? origin : queue;
}

/**
 * Republishes dead letters (those with the given message ids, or all) to the queues they came
 * from; returns the replayed message ids. Those whose queue no longer exists (the projection
 * was partitioned differently since) stay dead letters, and the call fails saying so.
 */
export async function replayDeadLetters(connection: ChannelModel, projection: string, { messageIds, limit = 10_000 }: { messageIds?: string[]; limit?: number } = {}): Promise<string[]> {
  return holding(connection, projection, limit, async (messages, channel) => {
    const chosen = messages.filter((message) => !messageIds || messageIds.includes(message.properties.messageId ?? ''));
    const returned: string[] = [];
    channel.on('return', (message: ConsumeMessage) => returned.push(message.fields.routingKey));
    for (const message of chosen) {
      const headers = Object.fromEntries(Object.entries(message.properties.headers ?? {}).filter(([name]) => !name.startsWith(PREFIX)));
      const replays = Number(message.properties.headers?.['x-replays'] ?? 0) + 1;
      channel.publish('', originOf(message, projection), message.content, { ...message.properties, headers: { ...headers, 'x-replays': replays }, persistent: true, mandatory: true });
    }
    await channel.waitForConfirms();
    const missing = new Set(returned);
    const replayed = chosen.filter((message) => !missing.has(originOf(message, projection)));
    for (const message of replayed) channel.ack(message);
    if (missing.size) throw new Error(`replayed ${replayed.length}; no queue ${[...missing].join(', ')} for the other ${chosen.length - replayed.length}, which stay dead letters`);
    return replayed.map((message) => message.properties.messageId ?? '');
  });
}
