/**
 * The published messages are the documented contract: a real message taken from the broker
 * validates against the contracts' envelope and event schemas, and its exchange, routing
 * key, properties and headers are what `contracts/asyncapi.yaml` promises integrations.
 */
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { EXCHANGE, routingKey, validateEnvelope, validateEvent, type EventEnvelope } from '@dreamcatcher/contracts';
import { eventually, useTestDatabase, useTestVhost } from '@dreamcatcher/service-kit/testing';
import amqplib, { type GetMessage } from 'amqplib';
import { expect } from 'chai';
import { parse } from 'yaml';
import { dreamCreated, dreamStreamId, dreamSynced, fragmentCaptured, TRACEPARENT } from './testing/events.js';
import { openStore, runRelay, type RelayHandle, type StoreHandle } from './testing/harness.js';

const ASYNCAPI = new URL('../../../contracts/asyncapi.yaml', import.meta.url);

interface AsyncApiMessage {
  name: string;
  headers: { $ref: string };
  'x-amqp-properties'?: Record<string, unknown>;
}
interface HeaderSchema {
  properties: Record<string, { pattern?: string }>;
  required: string[];
}

describe('relay: published messages match the integration contract', function () {
  this.timeout(30_000);
  const database = useTestDatabase('dc_relay_contract');
  const vhost = useTestVhost('dc_relay_contract');
  let handle: StoreHandle;
  let relay: RelayHandle;
  const taken: GetMessage[] = [];

  before(async () => {
    handle = await openStore(database.url);
    relay = await runRelay(handle, database.url, vhost.url);
    const connection = await amqplib.connect(vhost.url);
    try {
      const channel = await connection.createChannel();
      await channel.assertExchange(EXCHANGE, 'topic', { durable: true });
      await channel.assertQueue('test.integration', { durable: true });
      // What an integration binds: one exact type and one type at any version.
      await channel.bindQueue('test.integration', EXCHANGE, 'dream.fragment-captured.v1');
      await channel.bindQueue('test.integration', EXCHANGE, 'dream.dream-synced.*');
      const dreamId = randomUUID();
      const stream = dreamStreamId(dreamId);
      await handle.store.appendToStream(stream, [dreamCreated(dreamId), fragmentCaptured(dreamId, 1)]);
      await handle.store.appendToStream(stream, [dreamSynced(dreamId)]);
      await eventually(async () => {
        const message = await channel.get('test.integration', { noAck: true });
        if (message) taken.push(message);
        return taken.length === 2;
      }, { what: 'two messages on the integration queue' });
      expect(await channel.get('test.integration', { noAck: true }), 'DreamCreated is not bound').to.equal(false);
    } finally {
      await connection.close();
    }
  });

  after(async () => {
    await relay?.relay.stop();
    await handle?.close();
  });

  it('has bodies that validate as EventEnvelope.v1 with valid event data', () => {
    expect(taken.map((message) => JSON.parse(message.content.toString()).type)).to.deep.equal(['FragmentCaptured', 'DreamSynced']);
    for (const message of taken) {
      const body = JSON.parse(message.content.toString('utf8')) as EventEnvelope;
      expect(validateEnvelope(body), body.type).to.deep.equal([]);
      expect(validateEvent(body.type, body.schemaVersion, body.data), body.type).to.deep.equal([]);
    }
  });

  it('carries the routing key, properties and headers of the AMQP contract', () => {
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

  it('is what contracts/asyncapi.yaml documents for each channel', async () => {
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
