/**
 * A test consumer: its own durable queue on the events exchange, reconnecting like a real
 * consumer (tests drop the vhost's connections), keeping every delivery in arrival order.
 */
import type { EventEnvelope } from '@dreamcatcher/contracts';
import { connectAmqp, declareExchanges, EVENTS_EXCHANGE, type AmqpClient, type Logger } from '@dreamcatcher/service-kit';
import type { MessageProperties } from 'amqplib';

export interface Received {
  routingKey: string;
  exchange: string;
  properties: MessageProperties;
  body: EventEnvelope;
}

export interface Collector {
  readonly messages: Received[];
  /** Distinct event ids received so far. */
  uniqueIds(): Set<string>;
  close(): Promise<void>;
}

export interface CollectorOptions {
  url: string;
  queue: string;
  bindings: string[];
  logger: Logger;
  /** Extra queue arguments (e.g. a length limit to provoke nacks). */
  queueArguments?: Record<string, unknown>;
  /** Consume at all (false: the queue only fills). */
  consume?: boolean;
}

export async function collectQueue(options: CollectorOptions): Promise<Collector> {
  const messages: Received[] = [];
  const client: AmqpClient = await connectAmqp({
    url: options.url,
    connectionName: `test-collector:${options.queue}`,
    logger: options.logger,
    setup: async (connection) => {
      const channel = await connection.createChannel();
      await declareExchanges(channel);
      await channel.assertQueue(options.queue, { durable: true, arguments: options.queueArguments ?? {} });
      for (const pattern of options.bindings) await channel.bindQueue(options.queue, EVENTS_EXCHANGE, pattern);
      if (options.consume === false) return void (await channel.close());
      await channel.prefetch(1_000);
      await channel.consume(options.queue, (message) => {
        if (!message) return;
        messages.push({
          routingKey: message.fields.routingKey,
          exchange: message.fields.exchange,
          properties: message.properties,
          body: JSON.parse(message.content.toString('utf8')) as EventEnvelope,
        });
        channel.ack(message);
      });
    },
  });
  await client.connection.waitForConnect();
  return {
    messages,
    uniqueIds: () => new Set(messages.map((message) => message.properties.messageId as string)),
    close: () => client.close(),
  };
}

/** The vhost name in an AMQP URL (what `closeVhostConnections` takes). */
export function vhostOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1)) || '/';
}
