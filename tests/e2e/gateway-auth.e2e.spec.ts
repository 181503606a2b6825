/**
 * Authentication and authorisation at the gateway, end to end, with real tokens signed
 * (or mis-signed) the ways an attacker or a misconfigured client would.
 */
import { expect } from 'chai';
import { base64url, SignJWT } from 'jose';
import { DEVELOPMENT_ENV } from '../../scripts/system.mjs';
import { Api, aCapture, gatewaySystem, uniqueUser } from './gateway-system.js';

const secret = new TextEncoder().encode(DEVELOPMENT_ENV.JWT_SECRET);
const now = () => Math.floor(Date.now() / 1000);

describe('e2e: authentication and authorisation', function () {
  this.timeout(120_000);
  let api: Api;
  let user: string;

  before(async function () {
    this.timeout(180_000);
    const system = await gatewaySystem();
    api = new Api(system);
    user = uniqueUser('nina');
  });

  const refused = async (label: string, authorization: string | undefined) => {
    const reply = await api.call('POST', '/conversations/capture', { body: aCapture(), headers: authorization ? { authorization } : {} });
    expect(reply.status, label).to.equal(401);
    expect(reply.body.error.code, label).to.equal('unauthorized');
    const read = await api.call('GET', '/dreams', { headers: authorization ? { authorization } : {} });
    expect(read.status, label).to.equal(401);
  };

  it('refuses requests without credentials or with unusable ones', async () => {
    await refused('no credentials', undefined);
    await refused('garbage', 'Bearer not.a.token');
    await refused('unknown scheme', 'Basic dXNlcjpwYXNz');
    await refused('empty bearer', 'Bearer');
  });

  it('refuses tokens that are unsigned, mis-signed, expired, early or of another algorithm', async () => {
    const part = (value: unknown) => base64url.encode(JSON.stringify(value));
    await refused('alg none', `Bearer ${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: user, roles: ['admin'], exp: now() + 60 })}.`);
    const claims = () => new SignJWT({ roles: ['user'] }).setSubject(user).setIssuedAt();
    await refused('wrong secret', `Bearer ${await claims().setExpirationTime('5m').setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('not-the-secret-of-this-gateway!!'))}`);
    await refused('expired', `Bearer ${await claims().setExpirationTime(now() - 120).setProtectedHeader({ alg: 'HS256' }).sign(secret)}`);
    await refused('not yet valid', `Bearer ${await claims().setExpirationTime('1h').setNotBefore('30m').setProtectedHeader({ alg: 'HS256' }).sign(secret)}`);
    await refused('no expiry', `Bearer ${await claims().setProtectedHeader({ alg: 'HS256' }).sign(secret)}`);
    await refused('HS512', `Bearer ${await claims().setExpirationTime('5m').setProtectedHeader({ alg: 'HS512' }).sign(secret)}`);
    const good = await claims().setExpirationTime('5m').setProtectedHeader({ alg: 'HS256' }).sign(secret);
    const [header, payload] = good.split('.');
    await refused('signature stripped', `Bearer ${header}.${payload}.`);
  });

  it('gives each role what it may do, and no more (403)', async () => {
    const system = await gatewaySystem();
    const plain = await system.token(user);
    const auditorOnly = await system.token(uniqueUser('auditor'), ['auditor']);
    const integration = await system.token('pipelineos', ['integration']);
    const created = await api.call('POST', '/dreams', { token: plain, body: { title: 'Role checks' } });
    expect(created.status).to.equal(201);
    const id = created.body.dreamId;
    const forbidden: [string, string, string, unknown][] = [
      ['auditor writes', 'POST', '/dreams', { title: 'Nope' }],
      ['auditor captures', 'POST', '/conversations/capture', aCapture()],
    ];
    for (const [label, method, path, body] of forbidden) expect((await api.call(method, path, { token: auditorOnly, body })).status, label).to.equal(403);
    expect((await api.call('POST', `/dreams/${id}/sync`, { token: plain, body: { status: 'failed', reason: 'x' } })).status).to.equal(403);
    expect((await api.call('POST', `/dreams/${id}/implementation`, { token: plain, body: { pipelineosProjectId: 'p' } })).status).to.equal(403);
    expect((await api.call('GET', '/audit/events', { token: plain })).status).to.equal(403);
    expect((await api.call('GET', '/admin/api-keys', { token: plain })).status).to.equal(403);
    expect((await api.call('POST', '/admin/api-keys', { token: auditorOnly, body: { userId: user, name: 'x' } })).status).to.equal(403);
    expect((await api.call('POST', `/dreams/${id}/sync`, { token: integration, body: { status: 'failed', reason: 'PipelineOS down' } })).status).to.equal(200);
    expect((await api.call('GET', '/audit/events?limit=1', { token: auditorOnly })).status).to.equal(200);
  });

  it('lets the extension work with an API key until an admin revokes it', async () => {
    const system = await gatewaySystem();
    const admin = await system.token(uniqueUser('admin'), ['admin']);
    const owner = uniqueUser('owen');
    const created = await api.call('POST', '/admin/api-keys', { token: admin, body: { userId: owner, name: 'Chrome on laptop' } });
    expect(created.status).to.equal(201);
    const key: string = created.body.key;

    const capture = await api.call('POST', '/conversations/capture', { token: key, body: aCapture({ dreamTitle: 'Captured with a key' }) });
    expect(capture.status).to.equal(201);
    const ownerToken = await system.token(owner);
    const mine = await api.read(`/dreams/${capture.body.dreamId}`, ownerToken, capture.body.position);
    expect(mine.body.title).to.equal('Captured with a key');
    const listed = await api.call('GET', '/admin/api-keys', { token: admin });
    expect(listed.text).to.not.contain(key);

    expect((await api.call('DELETE', `/admin/api-keys/${created.body.id}`, { token: admin })).status).to.equal(204);
    expect((await api.call('POST', '/conversations/capture', { token: key, body: aCapture() })).status).to.equal(401);
    expect((await api.call('GET', '/dreams', { token: key })).status).to.equal(401);
  });
});
