import { expect } from 'chai';
import type WebSocket from 'ws';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { createApiKey } from '../auth/api-keys.js';
import { useGateway } from '../testing/gateway-fixture.js';
import { openWs } from '../testing/live-clients.js';

const DREAM = '3f6c2a1e-8b4d-4c7a-9e21-5d0f7b8a9c14';

describe('gateway: /ws/dreamcatcher/<apiKey> (the older extension path)', () => {
  const gw = useGateway({ commandService: false, env: { LIVE_MAX_PER_USER: '2' } });
  const keyUrl = (key: string) => `${gw.url.replace('http', 'ws')}/ws/dreamcatcher/${encodeURIComponent(key)}`;
  const announce = (ownerId: string, position: string) =>
    gw.pool.query('SELECT pg_notify($1, $2)', ['dream_changes', JSON.stringify({ ownerId, dreamId: DREAM, position, revision: '3', kind: 'deleted' })]);
  const closed = (socket: WebSocket) => new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const refusal = (attempt: Promise<unknown>) => attempt.then(() => undefined, (e: { status?: number }) => e.status);

  it('authenticates with the key in the path, without a Bearer token, and pushes that user\'s changes only', async () => {
    const { key } = await createApiKey(gw.pool, { userId: 'pia', name: 'extension' });
    const client = await openWs(keyUrl(key));
    try {
      await announce('someone-else', '10');
      await announce('pia', '11');
      expect(await client.next()).to.deep.equal({ type: 'dream_deleted', dreamId: DREAM, position: '11' });
    } finally {
      client.close();
    }
  });

  it('refuses anything but a valid API key in the path, whatever else the request carries', async () => {
    const token = await gw.token('pia');
    const { key } = await createApiKey(gw.pool, { userId: 'pia', name: 'extension' });
    expect(await refusal(openWs(keyUrl('dc_000000000000_' + 'a'.repeat(43))))).to.equal(401);
    expect(await refusal(openWs(keyUrl(token)))).to.equal(401);
    expect(await refusal(openWs(keyUrl('bad key')))).to.equal(401);
    expect(await refusal(openWs(keyUrl('forged'), { headers: { authorization: `Bearer ${token}` } }))).to.equal(401);
    expect(await refusal(openWs(`${keyUrl(key)}/more`))).to.equal(404);
  });

  it('ends the connection when the key is revoked, and counts it against the live cap', async () => {
    const token = await gw.token('quinn');
    const created = await gw.call('POST', '/me/api-keys', { token, body: { name: 'laptop' } });
    const first = await openWs(keyUrl(created.body.key));
    const second = await openWs(keyUrl(created.body.key));
    const third = await openWs(keyUrl(created.body.key));
    expect(await closed(third.socket)).to.include({ code: 1013 });
    const ends = [closed(first.socket), closed(second.socket)];
    expect((await gw.call('DELETE', `/me/api-keys/${created.body.id}`, { token })).status).to.equal(204);
    for (const end of await Promise.all(ends)) expect(end).to.deep.equal({ code: 1008, reason: 'API key revoked' });
    expect(await refusal(openWs(keyUrl(created.body.key)))).to.equal(401);
    await eventually(() => gw.running.gateway.hub.connections === 0, { what: 'the revoked connections to leave the hub' });
  });

  it('never writes the key into a log line or a metric label, whether the connection is accepted, refused or a plain GET', async () => {
    const { key, id } = await createApiKey(gw.pool, { userId: 'rosa', name: 'extension' });
    const before = gw.logLines.length;
    const client = await openWs(keyUrl(key));
    client.close();
    await gw.call('GET', `//ws/dreamcatcher/${key}`);
    await gw.call('GET', `//api/v1/ws/dreamcatcher/${key}?token=${key}`);
    await gw.pool.query('UPDATE gateway.api_keys SET revoked_at = now() WHERE id = $1', [id]);
    expect(await refusal(openWs(keyUrl(key)))).to.equal(401);
    await eventually(() => gw.logLines.slice(before).some((line) => line.includes('"status":404')), { what: 'the plain GETs to be logged' });
    const written = gw.logLines.slice(before);
    expect(written.length).to.be.greaterThan(0);
    for (const line of written) {
      expect(line).to.not.contain(key);
      expect(line).to.not.contain(key.slice(-43));
      expect(line).to.not.contain('/ws/dreamcatcher/');
    }
    const metrics = await gw.ops('/metrics');
    expect(metrics.status).to.equal(200);
    expect(metrics.text).to.not.contain(key.slice(-43));
    expect(metrics.text).to.not.contain('/ws/dreamcatcher/');
  });
});
