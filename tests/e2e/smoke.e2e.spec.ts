/**
 * The smoke check of the public contract (what `smoke.mjs` asserts against a running
 * system), as a spec: capture as a user, read it back with read-your-writes, another user
 * cannot see it, and its events reach the AMQP exchange.
 */
import { expect } from 'chai';
import amqplib from 'amqplib';
import { EXCHANGE } from '@dreamcatcher/contracts';
import { Api, gatewaySystem, uniqueUser } from './gateway-system.js';

describe('e2e: smoke check of the public contract', function () {
  this.timeout(120_000);

  it('captures, reads its own write, hides it from others, and publishes its events', async function () {
    this.timeout(240_000);
    const system = await gatewaySystem();
    const api = new Api(system);
    const me = await system.token(uniqueUser('smoke-user'));
    const other = await system.token(uniqueUser('smoke-other'));
    const connection = await amqplib.connect(system.amqpUrl);
    try {
      const channel = await connection.createChannel();
      const { queue } = await channel.assertQueue('', { exclusive: true });
      await channel.bindQueue(queue, EXCHANGE, 'dream.#');
      const published: amqplib.ConsumeMessage[] = [];
      await channel.consume(queue, (message) => message && published.push(message), { noAck: true });

      expect((await api.call('GET', '/dreams')).status).to.equal(401);
      const capture = await api.call('POST', '/conversations/capture', {
        token: me,
        body: {
          dreamTitle: 'Smoke test dream',
          brand: 'personal',
          tags: ['coding'],
          fragment: { title: 'First idea', content: 'A capture from the smoke check', source: 'chatgpt', url: 'https://chat.openai.com/c/smoke', mode: 'all' },
        },
      });
      expect(capture.status).to.be.below(300);
      expect(capture.body.dreamId).to.be.a('string');
      expect(capture.body.position).to.match(/^\d+$/);

      const detail = await api.read(`/dreams/${capture.body.dreamId}`, me, capture.body.position);
      expect(detail.status).to.equal(200);
      expect(detail.body.fragments).to.have.length(1);
      const list = await api.read('/dreams', me, capture.body.position);
      expect(list.body.items.some((item: { id: string; fragmentCount: number }) => item.id === capture.body.dreamId && Number(item.fragmentCount) === 1)).to.equal(true);
      expect((await api.read(`/dreams/${capture.body.dreamId}`, other, capture.body.position)).status).to.equal(404);

      const deadline = Date.now() + 10_000;
      while (published.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(published.map((message) => message.fields.routingKey)).to.include.members(['dream.dream-created.v1', 'dream.fragment-captured.v1']);
    } finally {
      await connection.close();
    }
  });
});
