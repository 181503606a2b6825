import { connect, type Socket } from 'node:net';
import { expect } from 'chai';
import { SignJWT } from 'jose';
import type WebSocket from 'ws';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { TEST_JWT_SECRET, useGateway } from '../testing/gateway-fixture.js';
import { openSse, openWs } from '../testing/live-clients.js';

const DREAM = '3f6c2a1e-8b4d-4c7a-9e21-5d0f7b8a9c14';

describe('gateway: live connections', () => {
  const gw = useGateway({ commandService: false, env: { LIVE_HEARTBEAT_SECONDS: '1', LIVE_MAX_PER_USER: '3', LIVE_MAX_BUFFERED: '16kb' } });
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

  describe('bounds', () => {
    const closed = (socket: WebSocket) => new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
    const ended = async (reason: string) => {
      const text = await gw.running.metrics.getSingleMetricAsString('gateway_live_connections_ended_total');
      return Number(new RegExp(`reason="${reason}"[^}]*} (\\d+)`).exec(text)?.[1] ?? 0);
    };
    const shortToken = (sub: string, seconds: number) =>
      new SignJWT({ roles: ['user'] }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().setExpirationTime(Math.floor(Date.now() / 1000) + seconds).sign(new TextEncoder().encode(TEST_JWT_SECRET));

    it('admits LIVE_MAX_PER_USER live connections per user, SSE and WebSocket together: then 429 or close 1013', async () => {
      const token = await gw.token('capped');
      const sse = [await openSse(`${gw.url}/api/v1/live`, { authorization: `Bearer ${token}` }), await openSse(`${gw.url}/api/v1/live`, { authorization: `Bearer ${token}` })];
      const ws = await openWs(wsUrl(`?token=${token}`));
      try {
        const refused = await openSse(`${gw.url}/api/v1/live`, { authorization: `Bearer ${token}` });
        expect(refused.status).to.equal(429);
        expect(refused.headers.get('retry-after')).to.match(/^\d+$/);
        const extra = await openWs(wsUrl(`?token=${token}`));
        expect(await closed(extra.socket)).to.deep.equal({ code: 1013, reason: 'too many live connections for this user' });
        const other = await openSse(`${gw.url}/api/v1/live`, { authorization: `Bearer ${await gw.token('uncapped')}` });
        expect(other.status).to.equal(200);
        other.close();
        sse[0]!.close();
        await eventually(async () => {
          const again = await openSse(`${gw.url}/api/v1/live`, { authorization: `Bearer ${token}` });
          sse.push(again);
          return again.status === 200 || undefined;
        }, { what: 'a freed place to be taken' });
      } finally {
        for (const client of sse) client.close();
        ws.close();
      }
      await eventually(() => gw.running.gateway.hub.connections === 0, { what: 'the streams to leave the hub' });
    });

    it('drops an SSE consumer that never reads once LIVE_MAX_BUFFERED bytes wait for it', async () => {
      const token = await gw.token('sloth');
      const socket: Socket = connect(Number(new URL(gw.url).port), '127.0.0.1');
      const head = new Promise<string>((resolve) => socket.once('data', (chunk) => resolve(String(chunk))));
      socket.write(`GET /api/v1/live HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nAccept: text/event-stream\r\n\r\n`);
      expect(await head).to.match(/^HTTP\/1.1 200/);
      socket.pause();
      const before = await ended('slow_consumer');
      try {
        for (let round = 0; round < 60 && (await ended('slow_consumer')) === before; round++) {
          await gw.pool.query(
            `SELECT pg_notify('dream_changes', json_build_object('ownerId', 'sloth', 'dreamId', gen_random_uuid()::text, 'position', (g + $1)::text, 'kind', 'deleted')::text)
             FROM generate_series(1, 5000) g`,
            [round * 5000],
          );
          await gw.running.gateway.hub.idle();
        }
        await eventually(async () => (await ended('slow_consumer')) > before || undefined, { what: 'the slow consumer to be dropped' });
        expect(gw.running.gateway.hub.connections).to.equal(0);
      } finally {
        socket.destroy();
      }
    });

    it('ends an SSE stream and a WebSocket when their token expires', async () => {
      const token = await shortToken('brief', 2);
      const sse = await openSse(`${gw.url}/api/v1/live`, { authorization: `Bearer ${token}` });
      const ws = await openWs(wsUrl(`?token=${token}`));
      try {
        expect(sse.status).to.equal(200);
        const end = await sse.next((e) => e.event === 'end', 8_000);
        expect(JSON.parse(end.data!)).to.deep.equal({ type: 'end', reason: 'token_expired' });
        expect(await closed(ws.socket)).to.deep.equal({ code: 1008, reason: 'token expired' });
      } finally {
        sse.close();
        ws.close();
      }
    });

    it('ends a WebSocket opened with an API key when the key is revoked', async () => {
      const admin = await gw.token('root', ['admin']);
      const created = await gw.call('POST', '/admin/api-keys', { token: admin, body: { userId: 'keyholder', name: 'laptop' } });
      expect(created.status).to.equal(201);
      const ws = await openWs(wsUrl(), { protocols: ['apikey', created.body.key] });
      const other = await openWs(wsUrl(`?token=${await gw.token('keyholder')}`));
      try {
        const closing = closed(ws.socket);
        expect((await gw.call('DELETE', `/admin/api-keys/${created.body.id}`, { token: admin })).status).to.equal(204);
        expect(await closing).to.deep.equal({ code: 1008, reason: 'API key revoked' });
        expect(other.socket.readyState).to.equal(other.socket.OPEN);
      } finally {
        ws.close();
        other.close();
      }
    });

    it('pushes a change as a small notice of what changed', async () => {
      const ws = await openWs(wsUrl(`?token=${lena}`));
      try {
        await gw.pool.query('SELECT pg_notify($1, $2)', [
          'dream_changes',
          JSON.stringify({ ownerId: 'lena', dreamId: DREAM, position: '90', revision: '12', kind: 'updated', types: ['FragmentCaptured', 'TodoAdded'], fragmentIds: ['f-1'] }),
        ]);
        expect(await ws.next()).to.deep.equal({ type: 'dream_updated', dreamId: DREAM, revision: '12', changed: ['fragments', 'todos'], fragmentIds: ['f-1'], position: '90' });
      } finally {
        ws.close();
      }
    });
  });
});
