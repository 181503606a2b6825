/**
 * Erasure reaches the dead-letter queues. A dead letter is the event as the relay published
 * it, decrypted; crypto-shredding the store cannot reach it. When a projector has applied
 * `UserDataErased`, it drops that user's messages from its projection's dead-letter queue
 * (every projection handles the erasure, so every dead-letter queue is swept, a partitioned
 * projection's shared one by each partition) and blanks the reasons of the user's holes.
 * A message is the user's when its envelope names the user (metadata.userId, data.ownerId,
 * data.userId), or, for a body that is no envelope, when it holds the user id as a JSON string.
 */
import type pg from 'pg';
import type { ChannelModel, Logger } from '@dreamcatcher/service-kit';
import { isErasure } from './erasure.js';
import type { ProjectionEvent } from './events.js';
import { isTransient } from './failures.js';
import { redactHoles } from './holes.js';

function personOf(value: unknown, field: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[field] : undefined;
}

/** Whether a dead letter's body belongs to one of `userIds`. */
export function belongsTo(content: Buffer, userIds: ReadonlySet<string>): boolean {
  const text = content.toString('utf8');
  let envelope: unknown;
  try {
    envelope = JSON.parse(text);
  } catch {
    return [...userIds].some((userId) => text.includes(JSON.stringify(userId)));
  }
  const named = [personOf(personOf(envelope, 'metadata'), 'userId'), personOf(personOf(envelope, 'data'), 'ownerId'), personOf(personOf(envelope, 'data'), 'userId')];
  if (named.some((value) => typeof value === 'string' && userIds.has(value))) return true;
  return personOf(envelope, 'metadata') === undefined && [...userIds].some((userId) => text.includes(JSON.stringify(userId)));
}

/**
 * Drops the messages of `userIds` from `queue`; returns how many. Each message is fetched
 * without acknowledgement, so the others stay held (and are not fetched twice) until the
 * channel closes and returns them; only the user's are acknowledged, and nothing is kept
 * in memory but their count. Messages another client holds unacknowledged at that moment (a
 * `dead-letters list` in progress) are out of its sight: the log line gives the count dropped.
 */
export async function purgeDeadLetters(connection: ChannelModel, queue: string, userIds: ReadonlySet<string>): Promise<number> {
  const channel = await connection.createChannel();
  try {
    await channel.checkQueue(queue);
    let dropped = 0;
    for (let message = await channel.get(queue, { noAck: false }); message; message = await channel.get(queue, { noAck: false })) {
      if (!belongsTo(message.content, userIds)) continue;
      channel.ack(message);
      dropped++;
    }
    return dropped;
  } finally {
    await channel.close().catch(() => undefined);
  }
}

export interface DeadLetterErasure {
  connection: ChannelModel | undefined;
  pool: pg.Pool;
  schema: string;
  deadLetterQueue: string;
  logger: Logger;
}

/**
 * After a batch holding erasures was applied: purges the erased users from the dead letters.
 * An outage is thrown, for the caller to retry (the batch stays unacknowledged meanwhile);
 * any other failure is logged at error level, as the user's data may remain.
 */
export async function eraseFromDeadLetters(target: DeadLetterErasure, events: ProjectionEvent[]): Promise<void> {
  const userIds = new Set(events.filter(isErasure).map((event) => event.data.userId));
  if (!userIds.size) return;
  try {
    for (const userId of userIds) await redactHoles(target.pool, target.schema, userId);
    if (!target.connection) throw new Error('no broker connection');
    const dropped = await purgeDeadLetters(target.connection, target.deadLetterQueue, userIds);
    target.logger.info('erased users purged from the dead letters', { queue: target.deadLetterQueue, users: userIds.size, dropped });
  } catch (error) {
    if (isTransient(error)) throw error;
    target.logger.error('could not purge erased users from the dead letters; their data may remain there', { queue: target.deadLetterQueue, error: (error as Error).message });
  }
}
