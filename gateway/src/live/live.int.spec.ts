import { expect } from 'chai';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { useGateway } from '../testing/gateway-fixture.js';
import { openSse, openWs } from '../testing/live-clients.js';

const DREAM = '3f6c2a1e-8b4d-4c7a-9e21-5d0f7b8a9c14';

describe('gateway: live connections', () => {
  const gw = useGateway({ commandService: false, env: { LIVE_HEARTBEAT_SECONDS: '1' } });
  let lena: string;

  before(async () => {
    lena = await gw.token('lena');
  });

  /** What the dream_detail projector announces after a batch commits. */
  const announce = (ownerId: string, position: string, kind = 'deleted', dreamId = DREAM) =>
    gw.pool.query('SELECT pg_notify($1, $2)', ['dream_changes', JSON.stringify({ ownerId, dreamId, position, revision: '3', kind })]);
  const wsUrl = (query = '') => `${gw.url.replace('http', 'ws')}/ws${query}`;

  describe('GET /live (Server-Sent Events)', () => {
    it('needs credentials, from the header or ?access_token=', async () => {
      expect((await openSse(`${gw.url}/api/v1/live`, {})).status).to.equal(401);
      expect((await openSse(`${gw.url}/api/v1/live?access_token=forged`, {})).status).to.equal(401);
      const viaQuery = await openSse(`${gw.url}/api/v1/live?access_token=${lena}`, {});
      expect(viaQuery.status).to.equal(200);
      viaQuery.close();
      await eventually(() => gw.running.gateway.hub.connections === 0, { what: 'the closed stream to leave the hub' });
    });

    it("pushes the caller's changes with the position as id, never another user's, and sends heartbeats", async () => {
      const sse = await openSse(`${gw.url}/api/v1/live`, { authorization: `Bearer ${lena}` });
      try {
        expect(sse.headers.get('content-type')).to.match(/^text\/event-stream/);
        await new Promise((resolve) => setTimeout(resolve, 100));
        await announce('someone-else', '41');
        await announce('lena', '42');
        const event = await sse.next((e) => e.event !== undefined);
        expect(event).to.include({ id: '42', event: 'dream_deleted' });
        expect(JSON.parse(event.data!)).to.deep.equal({ type: 'dream_deleted', dreamId: DREAM, position: '42' });
        expect(await sse.next((e) => e.comment === 'heartbeat', 3_000)).to.include({ comment: 'heartbeat' });
        expect(sse.received.filter((e) => e.event).map((e) => e.id)).to.deep.equal(['42']);
        expect(gw.running.gateway.hub.connections).to.equal(1);
      } finally {
        sse.close();
      }
      await eventually(() => gw.running.gateway.hub.connections === 0, { what: 'the closed stream to leave the hub' });
    });

    it('refuses a Last-Event-ID that is not a position', async () => {
      const sse = await openSse(`${gw.url}/api/v1/live`, { authorization: `Bearer ${lena}`, 'last-event-id': 'yesterday' });
      expect(sse.status).to.equal(400);
    });
  });

  describe('/ws (WebSocket)', () => {
    it('refuses an upgrade without valid credentials with a plain 401', async () => {
      for (const attempt of [openWs(wsUrl()), openWs(wsUrl('?token=forged')), openWs(wsUrl(), { headers: { authorization: 'Bearer forged' } })]) {
        const error = await attempt.then(() => undefined, (e: { status?: number }) => e);
        expect(error?.status).to.equal(401);
      }
    });

    it('authenticates by ?token=, by the Authorization header and by subprotocol', async () => {
      const byQuery = await openWs(wsUrl(`?token=${lena}`));
      const byHeader = await openWs(wsUrl(), { headers: { authorization: `Bearer ${lena}` } });
      const byProtocol = await openWs(wsUrl(), { protocols: ['bearer', lena] });
      expect(byProtocol.socket.protocol).to.equal('bearer');
      for (const client of [byQuery, byHeader, byProtocol]) client.close();
    });

    it("pushes the caller's changes only, and answers pings", async () => {
      const mine = await openWs(wsUrl(`?token=${lena}`));
      const theirs = await openWs(wsUrl(`?token=${await gw.token('mike')}`));
      try {
        await announce('lena', '77');
        expect(await mine.next()).to.deep.equal({ type: 'dream_deleted', dreamId: DREAM, position: '77' });
        mine.socket.send(JSON.stringify({ type: 'ping' }));
        expect(await mine.next()).to.deep.equal({ type: 'pong' });
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(theirs.received).to.deep.equal([]);
      } finally {
        mine.close();
        theirs.close();
      }
    });

    it('answers a plain GET of the WebSocket path with 426', async () => {
      const reply = await gw.call('GET', '/ws', { token: lena });
      expect(reply.status).to.equal(426);
      expect(reply.headers.get('upgrade')).to.equal('websocket');
    });
  });
});
