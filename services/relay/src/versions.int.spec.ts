/**
 * Event evolution on the wire: the relay publishes every event in the current version of its
 * type, and during the deprecation window (`RELAY_PUBLISH_PREVIOUS_VERSIONS_UNTIL`) also in
 * the previous version, under that version's routing key; once the window closes, only the
 * current one.
 */
import { randomUUID } from 'node:crypto';
import { EXCHANGE, validateEnvelope, type EventEnvelope } from '@dreamcatcher/contracts';
import type { EventToAppend } from '@dreamcatcher/event-store';
import { eventually } from '@dreamcatcher/service-kit/testing';
import amqplib, { type GetMessage } from 'amqplib';
import { expect } from 'chai';
import { dreamStreamId, dreamSynced } from './testing/events.js';
import { useRelayEnvironment } from './testing/harness.js';

const DAY_MS = 86_400_000;

function dreamImported(dreamId: string, schemaVersion: 1 | 2): EventToAppend {
  const data = { dreamId, ownerId: 'user-1', title: 'Imported', status: 'idea', brand: 'personal', tags: [], fragments: [], todos: [] };
  const extra = schemaVersion === 2 ? { origin: { client: 'extension', localId: 'local-7' }, pipelineOSOptions: { createProject: true, createTickets: true, assignAgents: false } } : {};
  return {
    id: randomUUID(),
    type: 'DreamImported',
    data: { ...data, ...extra },
    metadata: { userId: 'user-1', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString(), schemaVersion },
  };
}

/** Stores a v2 import, a v1-stored import and a closing DreamSynced; returns every message up to the closing one. */
async function publishedFor(env: ReturnType<typeof useRelayEnvironment>): Promise<GetMessage[]> {
  const connection = await amqplib.connect(env.vhost.url);
  try {
    const channel = await connection.createChannel();
    await channel.assertExchange(EXCHANGE, 'topic', { durable: true });
    const queue = `test.versions.${randomUUID()}`;
    await channel.assertQueue(queue, { exclusive: true });
    await channel.bindQueue(queue, EXCHANGE, 'dream.dream-imported.*');
    await channel.bindQueue(queue, EXCHANGE, 'dream.dream-synced.v1');
    const fresh = randomUUID();
    const old = randomUUID();
    await env.handle.store.appendToStream(dreamStreamId(fresh), [dreamImported(fresh, 2)]);
    await env.handle.store.appendToStream(dreamStreamId(old), [dreamImported(old, 1), dreamSynced(old)]);
    const taken: GetMessage[] = [];
    // One channel publishes in order, so the closing DreamSynced comes after every import copy.
    await eventually(
      async () => {
        const message = await channel.get(queue, { noAck: true });
        if (message) taken.push(message);
        return taken.at(-1)?.fields.routingKey === 'dream.dream-synced.v1';
      },
      { what: 'the closing DreamSynced' },
    );
    return taken.slice(0, -1);
  } finally {
    await connection.close();
  }
}

const body = (message: GetMessage) => JSON.parse(message.content.toString('utf8')) as EventEnvelope & { data: Record<string, unknown> };

describe('relay: event versions inside the deprecation window', function () {
  this.timeout(30_000);
  const env = useRelayEnvironment('dc_relay_versions_open');
  before(() => env.relay({ previousVersionsUntil: new Date(Date.now() + DAY_MS) }));

  it('publishes each import as v2 and, after it, as v1 without the fields v1 lacks', async () => {
    const messages = await publishedFor(env);
    expect(messages.map((m) => m.fields.routingKey)).to.deep.equal([
      'dream.dream-imported.v2',
      'dream.dream-imported.v1',
      'dream.dream-imported.v2',
      'dream.dream-imported.v1',
    ]);
    for (const message of messages) expect(validateEnvelope(body(message)), message.fields.routingKey).to.deep.equal([]);
    const [v2, v1] = messages.map(body);
    expect(v2!.schemaVersion).to.equal(2);
    expect(v2!.data.origin).to.deep.equal({ client: 'extension', localId: 'local-7' });
    expect(v1!.schemaVersion).to.equal(1);
    expect(v1!.eventId).to.equal(v2!.eventId);
    expect(v1!.data).not.to.have.any.keys('origin', 'pipelineOSOptions');
    expect(messages[1]!.properties.headers?.['x-deprecated-version']).to.equal('true');
    // The v1-stored import goes out upcast as v2 too.
    expect(body(messages[2]!).schemaVersion).to.equal(2);
  });
});

describe('relay: event versions after the deprecation window', function () {
  this.timeout(30_000);
  const env = useRelayEnvironment('dc_relay_versions_closed');
  before(() => env.relay({ previousVersionsUntil: new Date(Date.now() - DAY_MS) }));

  it('publishes only the current version', async () => {
    const messages = await publishedFor(env);
    expect(messages.map((m) => m.fields.routingKey)).to.deep.equal(['dream.dream-imported.v2', 'dream.dream-imported.v2']);
    expect(messages.map((m) => body(m).schemaVersion)).to.deep.equal([2, 2]);
  });
});
