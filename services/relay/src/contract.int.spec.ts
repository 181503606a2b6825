/**
 * What integrations get. A real message taken from the broker validates against the
 * contracts' envelope and event schemas, and its exchange, routing key, properties and
 * headers are what `contracts/asyncapi.yaml` promises; the example consumer in
 * `infra/examples` runs against the real relay and behaves as documented.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { EXCHANGE, routingKey, validateEnvelope, validateEvent, type EventEnvelope } from '@dreamcatcher/contracts';
import { eventually } from '@dreamcatcher/service-kit/testing';
import amqplib, { type GetMessage } from 'amqplib';
import { expect } from 'chai';
import { parse } from 'yaml';
import { checkQueue } from './testing/amqp.js';
import { dreamCreated, dreamStreamId, dreamSynced, fragmentCaptured, TRACEPARENT } from './testing/events.js';
import { useRelayEnvironment } from './testing/harness.js';

const ASYNCAPI = new URL('../../../contracts/asyncapi.yaml', import.meta.url);
const EXAMPLE = fileURLToPath(new URL('../../../infra/examples/integration-consumer.mjs', import.meta.url));

interface AsyncApiMessage {
  name: string;
  headers: { $ref: string };
  'x-amqp-properties'?: Record<string, unknown>;
}
interface HeaderSchema {
  properties: Record<string, { pattern?: string }>;
  required: string[];
}

describe('relay: the integration contract', function () {
  this.timeout(30_000);
  const env = useRelayEnvironment('dc_relay_contract');
  before(() => env.relay());

  describe('published messages', () => {
    const taken: GetMessage[] = [];

    before(async () => {
      const connection = await amqplib.connect(env.vhost.url);
      try {
        const channel = await connection.createChannel();
        await channel.assertExchange(EXCHANGE, 'topic', { durable: true });
        await channel.assertQueue('test.integration', { durable: true });
        // What an integration binds: one exact type and one type at any version.
        await channel.bindQueue('test.integration', EXCHANGE, 'dream.fragment-captured.v1');
        await channel.bindQueue('test.integration', EXCHANGE, 'dream.dream-synced.*');
        const dreamId = randomUUID();
        const stream = dreamStreamId(dreamId);
        await env.handle.store.appendToStream(stream, [dreamCreated(dreamId), fragmentCaptured(dreamId, 1)]);
        await env.handle.store.appendToStream(stream, [dreamSynced(dreamId)]);
        await eventually(
          async () => {
            const message = await channel.get('test.integration', { noAck: true });
            if (message) taken.push(message);
            return taken.length === 2;
          },
          { what: 'two messages on the integration queue' },
        );
        await channel.unbindQueue('test.integration', EXCHANGE, 'dream.fragment-captured.v1');
        await channel.unbindQueue('test.integration', EXCHANGE, 'dream.dream-synced.*');
        expect(await channel.get('test.integration', { noAck: true }), 'DreamCreated is not bound').to.equal(false);
      } finally {
        await connection.close();
      }
    });

    it('have bodies that validate as EventEnvelope.v1 with valid event data', () => {
      expect(taken.map((message) => JSON.parse(message.content.toString()).type)).to.deep.equal(['FragmentCaptured', 'DreamSynced']);
      for (const message of taken) {
        const body = JSON.parse(message.content.toString('utf8')) as EventEnvelope;
        expect(validateEnvelope(body), body.type).to.deep.equal([]);
        expect(validateEvent(body.type, body.schemaVersion, body.data), body.type).to.deep.equal([]);
      }
    });

    it('carry the routing key, properties and headers of the AMQP contract', () => {
      for (const message of taken) {
        const body = JSON.parse(message.content.toString('utf8')) as EventEnvelope;
        expect(message.fields.exchange).to.equal('dreamcatcher.events');
        expect(message.fields.routingKey).to.equal(routingKey(body.type, body.schemaVersion));
        expect(message.properties).to.include({ contentType: 'application/json', deliveryMode: 2, messageId: body.eventId, type: body.type });
        const expected: Record<string, string> = {
          'x-stream': body.streamId,
          'x-revision': body.revision,
          'x-position': body.position,
          'x-correlation-id': body.metadata.correlationId,
          'x-causation-id': body.metadata.causationId,
        };
        if (body.type === 'FragmentCaptured') expected.traceparent = TRACEPARENT;
        expect(message.properties.headers).to.deep.equal(expected);
      }
    });

    it('are what contracts/asyncapi.yaml documents for each channel', async () => {
      const doc = parse(await readFile(ASYNCAPI, 'utf8'));
      const resolve = (ref: string) => ref.replace(/^#\//, '').split('/').reduce((node, key) => node?.[key], doc);
      for (const message of taken) {
        const channel = Object.values<Record<string, any>>(doc.channels).find((candidate) => candidate.address === message.fields.routingKey);
        expect(channel, `a channel for ${message.fields.routingKey}`).to.not.equal(undefined);
        expect(resolve(channel!.bindings.$ref).amqp.exchange.name).to.equal(message.fields.exchange);
        const documented = Object.values<{ $ref: string }>(channel!.messages).map((ref) => resolve(ref.$ref) as AsyncApiMessage);
        const spec = documented.find((candidate) => candidate.name === message.properties.type);
        expect(spec, `${message.properties.type} on ${message.fields.routingKey}`).to.not.equal(undefined);
        const amqpProperties = spec!['x-amqp-properties'] ?? {};
        expect(message.properties.contentType).to.equal(amqpProperties.contentType);
        expect(message.properties.deliveryMode).to.equal(amqpProperties.deliveryMode);
        expect(message.properties.type).to.equal(amqpProperties.type);

        const headers = resolve(spec!.headers.$ref) as HeaderSchema;
        const sent = message.properties.headers as Record<string, string>;
        for (const name of headers.required) expect(sent, `required header ${name}`).to.have.property(name);
        for (const [name, value] of Object.entries(sent)) {
          const schema = headers.properties[name];
          expect(schema, `header ${name} is documented`).to.not.equal(undefined);
          if (schema!.pattern) expect(value).to.match(new RegExp(schema!.pattern), name);
        }
      }
    });
  });

  describe('example consumer (infra/examples/integration-consumer.mjs)', () => {
    it('binds its own queue, handles the bound events in order, acks them and skips a duplicate', async () => {
      const child = spawn(process.execPath, [EXAMPLE], { env: { ...process.env, AMQP_URL: env.vhost.url, QUEUE: 'pipelineos.test' }, stdio: ['ignore', 'pipe', 'inherit'] });
      const lines: Record<string, unknown>[] = [];
      let buffer = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const complete = buffer.split('\n');
        buffer = complete.pop()!;
        for (const line of complete) if (line.trim()) lines.push(JSON.parse(line));
      });
      const exited = once(child, 'exit');
      try {
        await eventually(() => lines.some((line) => line.ready), { what: 'consumer ready' });
        const dreamId = randomUUID();
        const stream = dreamStreamId(dreamId);
        const captured = [fragmentCaptured(dreamId, 1), fragmentCaptured(dreamId, 2)];
        await env.handle.store.appendToStream(stream, [dreamCreated(dreamId), ...captured]);
        const synced = dreamSynced(dreamId);
        await env.handle.store.appendToStream(stream, [synced]);
        await eventually(() => lines.filter((line) => line.handled).length === 3, { what: 'three handled events' });
        expect(lines.filter((line) => line.handled).map((line) => [line.handled, line.eventId, line.revision])).to.deep.equal([
          ['FragmentCaptured', captured[0]!.id, '1'],
          ['FragmentCaptured', captured[1]!.id, '2'],
          ['DreamSynced', synced.id, '3'],
        ]);

        // The same event again (as after a relay restart): recognised by its messageId.
        const connection = await amqplib.connect(env.vhost.url);
        const channel = await connection.createConfirmChannel();
        channel.publish(EXCHANGE, 'dream.dream-synced.v1', Buffer.from('{}'), { messageId: synced.id, type: 'DreamSynced', headers: {} });
        await channel.waitForConfirms();
        await connection.close();
        await eventually(() => lines.some((line) => line.duplicate === synced.id), { what: 'the duplicate skipped' });
        expect(lines.filter((line) => line.handled)).to.have.length(3);
      } finally {
        child.kill('SIGTERM');
        await exited;
      }
      // Everything was acknowledged: nothing returns to the queue when the consumer leaves.
      expect((await checkQueue(env.vhost.url, 'pipelineos.test')).messageCount).to.equal(0);
      expect((await checkQueue(env.vhost.url, 'pipelineos.test.dead-letter')).messageCount).to.equal(0);
    });
  });
});
