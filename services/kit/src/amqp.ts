import amqplib from 'amqplib';
import type { ChannelModel, RecoveringChannelModel } from 'amqplib';
import type { Logger } from './logger.js';
import { redactUrl } from './postgres.js';

export type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';

export interface AmqpOptions {
  url: string;
  /** Shown in the broker's connection list. */
  connectionName: string;
  logger: Logger;
  /**
   * Runs after every (re)connection: declare topology, open channels, start consumers.
   * Channels die with their connection, so everything built on one is rebuilt here.
   */
  setup: (connection: ChannelModel) => Promise<void>;
  /** Called when the connection drops, so users can stop work that needs it. */
  onDisconnect?: (error: Error) => void;
}

export interface AmqpClient {
  /** True between a successful setup and the next disconnect. */
  readonly connected: boolean;
  readonly connection: RecoveringChannelModel;
  close(): Promise<void>;
}

/**
 * A broker connection that recovers by itself: it does not wait for the broker at
 * start-up (a service starts, reports not ready, and connects when RabbitMQ comes),
 * and after a drop it reconnects with backoff and runs `setup` again.
 */
export async function connectAmqp(options: AmqpOptions): Promise<AmqpClient> {
  const { logger } = options;
  let connected = false;
  const connection = await amqplib.connect(options.url, {
    clientProperties: { connection_name: options.connectionName },
    recovery: {
      initialDelay: 100,
      maxDelay: 5_000,
      waitForConnect: false,
      setup: async (model: ChannelModel) => {
        await options.setup(model);
        connected = true;
        logger.info('connected to RabbitMQ', { url: redactUrl(options.url) });
      },
    },
  });
  connection.on('disconnect', (error: Error) => {
    connected = false;
    logger.warn('RabbitMQ connection lost', { error: error?.message });
    options.onDisconnect?.(error);
  });
  connection.on('reconnect-scheduled', ({ attempt, delay, error }) =>
    logger.warn('RabbitMQ unreachable, retrying', { attempt, delayMs: delay, error: error?.message }),
  );
  connection.on('error', (error: Error) => logger.warn('RabbitMQ connection error', { error: error.message }));
  connection.on('blocked', (reason: string) => logger.warn('RabbitMQ blocked the connection', { reason }));
  return {
    get connected() {
      return connected;
    },
    connection,
    async close() {
      connected = false;
      await connection.close().catch(() => undefined);
    },
  };
}
