import amqplib from 'amqplib';
import type { Replies } from 'amqplib';

/** Passive declare: the queue's message count, failing when it does not exist. */
export async function checkQueue(url: string, queue: string): Promise<Replies.AssertQueue> {
  const connection = await amqplib.connect(url);
  try {
    const channel = await connection.createChannel();
    return await channel.checkQueue(queue);
  } finally {
    await connection.close();
  }
}
