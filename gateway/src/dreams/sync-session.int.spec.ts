import { expect } from 'chai';
import { dreamStreamId } from '@dreamcatcher/domain';
import { useGateway, type GatewayFixture } from '../testing/gateway-fixture.js';

const todos = (dreamId: string, count: number, prefix: string) =>
  Array.from({ length: count }, (_, index) => ({ idempotencyKey: `${prefix}-${index}`, command: { type: 'AddTodo', data: { dreamId, title: `Todo ${index}` } } }));

async function aDream(gw: GatewayFixture, token: string): Promise<string> {
  const created = await gw.call('POST', '/dreams', { token, body: { title: 'Queued offline' } });
  expect(created.status).to.equal(201);
  return created.body.dreamId as string;
}

describe('gateway: sync sessions are charged per item', () => {
  describe('with 150 requests a minute', () => {
    const gw = useGateway({ env: { RATE_LIMIT_PER_MINUTE: '150' } });

    it('charges a session of 100 items 100 requests, and refuses a second one with 429 and Retry-After, running none of it', async () => {
      const token = await gw.token('syncing-sam');
      const dreamId = await aDream(gw, token);
      const first = await gw.call('POST', '/sync-sessions', { token, body: { items: todos(dreamId, 100, 'first') } });
      expect(first.status, first.text).to.equal(200);
      // 150, less the dream's creation and the 100 items, plus what refilled meanwhile (2.5 a second).
      const remaining = Number(first.headers.get('ratelimit-remaining'));
      expect(remaining).to.be.within(49, 60);

      const second = await gw.call('POST', '/sync-sessions', { token, body: { items: todos(dreamId, 100, 'second') } });
      expect(second.status, second.text).to.equal(429);
      expect(second.body.error.code).to.equal('rate_limited');
      expect(Number(second.headers.get('retry-after'))).to.be.at.least(1);
      expect(await gw.store.readStream(dreamStreamId(dreamId))).to.have.length(101);

      // Another caller's allowance is untouched.
      const other = await gw.call('POST', '/dreams', { token: await gw.token('someone-else'), body: { title: 'Unaffected' } });
      expect(other.status).to.equal(201);
    });
  });

  describe('with 50 requests a minute', () => {
    const gw = useGateway({ env: { RATE_LIMIT_PER_MINUTE: '50' } });

    it('refuses a session costing more than a whole minute allows with 413, saying so', async () => {
      const token = await gw.token('bulky-bea');
      const dreamId = await aDream(gw, token);
      const reply = await gw.call('POST', '/sync-sessions', { token, body: { items: todos(dreamId, 60, 'bulk') } });
      expect(reply.status, reply.text).to.equal(413);
      expect(reply.body.error.message).to.match(/costs 60 requests .* 50 a caller may make per minute/);
      expect(await gw.store.readStream(dreamStreamId(dreamId))).to.have.length(1);
      const fits = await gw.call('POST', '/sync-sessions', { token, body: { items: todos(dreamId, 40, 'fits') } });
      expect(fits.status, fits.text).to.equal(200);
    });
  });
});
