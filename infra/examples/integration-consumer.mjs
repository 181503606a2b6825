#!/usr/bin/env node
// An integration consuming Dreamcatcher events: the pattern PipelineOS and others follow.
//
//   AMQP_URL=amqp://guest:guest@127.0.0.1:5672 node infra/examples/integration-consumer.mjs
//
// - It owns its queue: a durable quorum queue (QUEUE) bound to the routing keys it wants
//   (BINDINGS), with a dead-letter queue for messages it cannot handle. It never reads from
//   another consumer's queue.
// - It acknowledges a message only after handling it, so a crash means redelivery, not loss.
// - Delivery is at least once: a message can come again (redelivery, relay restart). It skips
//   a `messageId` it has handled. Here that memory is in-process; a real integration records
//   the ids (or the last `x-revision` per `x-stream`) in its own database, in the same
//   transaction as the effects of handling.
// - Events of one dream arrive in revision order; after a redelivery an older one may come
//   again, never a newer one before an older one.
//
// It prints one JSON line per message (handled or duplicate), so it can be watched or tested.
import amqplib from 'amqplib';

const EXCHANGE = 'dreamcatcher.events';
const url = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const queue = process.env.QUEUE ?? 'pipelineos.dream-events';
const bindings = (process.env.BINDINGS ?? 'dream.fragment-captured.v1,dream.dream-synced.*').split(',').map((key) => key.trim()).filter(Boolean);
const prefetch = Number(process.env.PREFETCH ?? 20);
const deadLetterQueue = `${queue}.dead-letter`;

const print = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

/** Ids already handled, oldest first; bounded so a long-running consumer does not grow forever. */
const handled = new Set();
const HANDLED_LIMIT = 100_000;
function remember(id) {
  handled.add(id);
  if (handled.size > HANDLED_LIMIT) handled.delete(handled.values().next().value);
}

/** The integration's own work. Replace with a call to your system. */
async function handle(envelope) {
  switch (envelope.type) {
    case 'FragmentCaptured':
      return { fragment: envelope.data.fragment.title };
    case 'DreamSynced':
      return { pipelineosProjectId: envelope.data.pipelineosProjectId };
    default:
      return {}; // A type this integration does not know: acknowledge and move on.
  }
}

async function setup(connection) {
  const channel = await connection.createChannel();
  await channel.assertExchange(EXCHANGE, 'topic', { durable: true });
  await channel.assertQueue(deadLetterQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.assertQueue(queue, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      // A message that fails 5 deliveries goes to the dead-letter queue instead of looping.
      'x-delivery-limit': 5,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': deadLetterQueue,
    },
  });
  for (const key of bindings) await channel.bindQueue(queue, EXCHANGE, key);
  await channel.prefetch(prefetch);
  await channel.consume(queue, (message) => {
    if (!message) return; // The queue was deleted; recovery re-runs this setup.
    void onMessage(channel, message);
  });
  print({ ready: true, queue, bindings });
}

async function onMessage(channel, message) {
  const { messageId, type, headers } = message.properties;
  if (handled.has(messageId)) {
    print({ duplicate: messageId, type });
    channel.ack(message);
    return;
  }
  try {
    const envelope = JSON.parse(message.content.toString('utf8'));
    const result = await handle(envelope);
    remember(messageId);
    print({ handled: type, eventId: messageId, stream: headers['x-stream'], revision: headers['x-revision'], routingKey: message.fields.routingKey, result });
    channel.ack(message);
  } catch (error) {
    print({ failed: messageId, type, error: error.message });
    // Requeue for another try; the delivery limit dead-letters it eventually.
    channel.nack(message, false, true);
  }
}

const connection = await amqplib.connect(url, {
  clientProperties: { connection_name: `integration-consumer:${queue}` },
  // amqplib reconnects with backoff and runs `setup` again after every reconnection.
  recovery: { setup, initialDelay: 200, maxDelay: 10_000 },
});
connection.on('disconnect', (error) => print({ disconnected: error.message }));

const stop = async () => {
  await connection.close().catch(() => undefined);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
