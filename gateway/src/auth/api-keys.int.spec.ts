import { expect } from 'chai';
import { useGateway } from '../testing/gateway-fixture.js';
import { apiKeyPrefix, createApiKey, hashApiKey, invalidApiKeys, listApiKeys, principalForApiKey, revokeApiKey } from './api-keys.js';

describe('gateway: API keys', () => {
  const gw = useGateway();
  let admin: string;

  before(async () => {
    admin = await gw.token('root', ['admin']);
  });

  it('are created by an admin, shown once, and let the extension act as their user', async () => {
    const created = await gw.call('POST', '/admin/api-keys', { token: admin, body: { userId: 'carol', name: 'Chrome extension' } });
    expect(created.status).to.equal(201);
    expect(created.body).to.include({ userId: 'carol', name: 'Chrome extension', revokedAt: null });
    expect(created.body.key).to.match(/^dc_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.body.prefix).to.equal(apiKeyPrefix(created.body.key));
    expect(created.headers.get('cache-control')).to.equal('no-store');

    const dream = await gw.call('POST', '/dreams', { body: { title: 'From the extension' }, headers: { authorization: `ApiKey ${created.body.key}` } });
    expect(dream.status).to.equal(201);
    const [event] = await gw.store.readStream(`dream-${dream.body.dreamId}`);
    expect(event!.metadata.userId).to.equal('carol');

    const list = await gw.call('GET', '/admin/api-keys', { token: admin });
    expect(list.status).to.equal(200);
    const listed = list.body.items.find((item: { id: string }) => item.id === created.body.id);
    expect(listed).to.include({ userId: 'carol', prefix: created.body.prefix });
    expect(listed).to.not.have.property('key');
    expect(list.text).to.not.contain(created.body.key);
  });

  it('are stored as a SHA-256 hash only', async () => {
    const created = await createApiKey(gw.pool, { userId: 'dave', name: 'cli' });
    const { rows } = await gw.pool.query('SELECT * FROM gateway.api_keys WHERE id = $1', [created.id]);
    expect(rows[0].key_hash.equals(hashApiKey(created.key))).to.equal(true);
    // The secret is the key's last 43 characters; base64url may itself hold '_'.
    expect(JSON.stringify(rows[0])).to.not.contain(created.key.slice(-43));
  });

  it('stop working at once when revoked', async () => {
    const created = await gw.call('POST', '/admin/api-keys', { token: admin, body: { userId: 'erin', name: 'old laptop' } });
    const asKey = { authorization: `ApiKey ${created.body.key}` };
    const history = '/dreams/3f6c2a1e-8b4d-4c7a-9e21-5d0f7b8a9c14/history';
    expect((await gw.call('GET', history, { headers: asKey })).status).to.equal(404);
    const revoked = await gw.call('DELETE', `/admin/api-keys/${created.body.id}`, { token: admin });
    expect(revoked.status).to.equal(204);
    const refused = await gw.call('POST', '/dreams', { body: { title: 'After revocation' }, headers: asKey });
    expect(refused.status).to.equal(401);
    expect((await gw.call('GET', history, { headers: asKey })).status).to.equal(401);
    expect((await gw.call('DELETE', '/admin/api-keys/3f6c2a1e-8b4d-4c7a-9e21-5d0f7b8a9c14', { token: admin })).status).to.equal(404);
    expect((await gw.call('DELETE', '/admin/api-keys/nope', { token: admin })).status).to.equal(404);
    // What a replica that missed the revocation's notification finds when it asks.
    const kept = await createApiKey(gw.pool, { userId: 'erin', name: 'new laptop' });
    const gone = '3f6c2a1e-8b4d-4c7a-9e21-5d0f7b8a9c14';
    expect(await invalidApiKeys(gw.pool, [created.body.id, kept.id, gone])).to.deep.equal([created.body.id, gone]);
  });

  it('are accepted as a bearer token, as the extension sends them; a JWT stays a JWT', async () => {
    const created = await createApiKey(gw.pool, { userId: 'heidi', name: 'extension' });
    const asBearer = { authorization: `Bearer ${created.key}` };
    const dream = await gw.call('POST', '/dreams', { body: { title: 'Bearer key' }, headers: asBearer });
    expect(dream.status).to.equal(201);
    const [event] = await gw.store.readStream(`dream-${dream.body.dreamId}`);
    expect(event!.metadata.userId).to.equal('heidi');
    expect((await gw.call('GET', `/dreams/${dream.body.dreamId}/history`, { headers: asBearer })).status).to.equal(200);
    const tampered = created.key.slice(0, -1) + (created.key.endsWith('A') ? 'B' : 'A');
    for (const key of [tampered, 'dc_000000000000_' + 'a'.repeat(43), 'dc_garbage']) {
      expect((await gw.call('POST', '/dreams', { body: { title: 'x' }, headers: { authorization: `Bearer ${key}` } })).status, key).to.equal(401);
    }
    await revokeApiKey(gw.pool, created.id);
    expect((await gw.call('POST', '/dreams', { body: { title: 'After revocation' }, headers: asBearer })).status).to.equal(401);
    expect((await gw.call('GET', `/dreams/${dream.body.dreamId}/history`, { token: await gw.token('heidi') })).status).to.equal(200);
  });

  it('refuse unknown, malformed and tampered keys', async () => {
    const created = await createApiKey(gw.pool, { userId: 'frank', name: 'x' });
    const tampered = created.key.slice(0, -1) + (created.key.endsWith('A') ? 'B' : 'A');
    for (const key of [tampered, 'dc_000000000000_' + 'a'.repeat(43), 'garbage']) {
      expect((await gw.call('GET', '/admin/api-keys', { headers: { authorization: `ApiKey ${key}` } })).status, key).to.equal(401);
    }
  });

  it('are managed by admins only, with every input problem listed', async () => {
    const user = await gw.token('mallory');
    expect((await gw.call('POST', '/admin/api-keys', { token: user, body: { userId: 'mallory', name: 'mine' } })).status).to.equal(403);
    expect((await gw.call('GET', '/admin/api-keys', { token: user })).status).to.equal(403);
    expect((await gw.call('GET', '/admin/api-keys')).status).to.equal(401);
    const invalid = await gw.call('POST', '/admin/api-keys', { token: admin, body: { name: '' } });
    expect(invalid.status).to.equal(400);
    expect(invalid.body.error.details.violations.map((v: { path: string }) => v.path)).to.deep.equal(['/userId', '/name']);
  });

  it('can be managed without HTTP, by a CLI', async () => {
    const created = await createApiKey(gw.pool, { userId: 'grace', name: 'cli' });
    expect(await principalForApiKey(gw.pool, created.key)).to.deep.equal({ userId: 'grace', roles: ['user'], via: 'api-key', apiKeyId: created.id });
    expect((await listApiKeys(gw.pool, { userId: 'grace' })).map((key) => key.id)).to.deep.equal([created.id]);
    await revokeApiKey(gw.pool, created.id);
    expect(await principalForApiKey(gw.pool, created.key)).to.equal(undefined);
  });
});
