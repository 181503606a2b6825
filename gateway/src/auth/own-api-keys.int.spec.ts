import { expect } from 'chai';
import { useGateway } from '../testing/gateway-fixture.js';

describe('gateway: a user\'s own API keys (/me/api-keys)', () => {
  const gw = useGateway({ env: { API_KEYS_PER_USER: '3' } });

  it('are made by the signed-in user, shown once, bound to them, and listed without secrets', async () => {
    const token = await gw.token('hana');
    const created = await gw.call('POST', '/me/api-keys', { token, body: { name: 'Firefox' } });
    expect(created.status).to.equal(201);
    expect(Object.keys(created.body).sort()).to.deep.equal(['createdAt', 'id', 'key', 'name']);
    expect(created.body.key).to.match(/^dc_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.headers.get('cache-control')).to.equal('no-store');

    const dream = await gw.call('POST', '/dreams', { body: { title: 'Via my key' }, headers: { authorization: `ApiKey ${created.body.key}` } });
    expect(dream.status).to.equal(201);
    const [event] = await gw.store.readStream(`dream-${dream.body.dreamId}`);
    expect(event!.metadata.userId).to.equal('hana');

    const list = await gw.call('GET', '/me/api-keys', { token });
    expect(list.status).to.equal(200);
    expect(list.text).to.not.contain(created.body.key);
    expect(list.body.items).to.have.length(1);
    expect(list.body.items[0]).to.include({ id: created.body.id, name: 'Firefox', revokedAt: null });
    expect(Object.keys(list.body.items[0]).sort()).to.deep.equal(['createdAt', 'id', 'lastUsedAt', 'name', 'revokedAt']);
    // The key was used above; its stamp lands off the request's path.
    const deadline = Date.now() + 5000;
    let lastUsedAt: string | null = null;
    while (lastUsedAt === null && Date.now() < deadline) {
      lastUsedAt = (await gw.call('GET', '/me/api-keys', { token })).body.items[0].lastUsedAt;
    }
    expect(lastUsedAt).to.be.a('string');

    expect((await gw.call('GET', '/me/api-keys', { token: await gw.token('ivan') })).body.items).to.deep.equal([]);
  });

  it('act with role user only, whatever roles the token that made them held', async () => {
    const admin = await gw.token('judy', ['admin', 'auditor']);
    const created = await gw.call('POST', '/me/api-keys', { token: admin, body: { name: 'admin laptop' } });
    expect(created.status).to.equal(201);
    const asKey = { authorization: `ApiKey ${created.body.key}` };
    expect((await gw.call('GET', '/admin/api-keys', { headers: asKey })).status).to.equal(403);
    expect((await gw.call('GET', '/audit/events', { headers: asKey })).status).to.equal(403);
  });

  it('cannot be managed with an API key: only with a signed-in token', async () => {
    const token = await gw.token('kim');
    const created = await gw.call('POST', '/me/api-keys', { token, body: { name: 'one' } });
    const asKey = { authorization: `ApiKey ${created.body.key}` };
    expect((await gw.call('POST', '/me/api-keys', { headers: asKey, body: { name: 'another' } })).status).to.equal(403);
    expect((await gw.call('GET', '/me/api-keys', { headers: asKey })).status).to.equal(403);
    expect((await gw.call('DELETE', `/me/api-keys/${created.body.id}`, { headers: asKey })).status).to.equal(403);
    expect((await gw.call('GET', '/me/api-keys')).status).to.equal(401);
    expect((await gw.call('GET', '/me/api-keys', { token })).body.items).to.have.length(1);
  });

  it('are revoked by their owner at once; another user\'s key id is 404 and stays working', async () => {
    const owner = await gw.token('liam');
    const other = await gw.token('mona');
    const created = await gw.call('POST', '/me/api-keys', { token: owner, body: { name: 'phone' } });
    const asKey = { authorization: `ApiKey ${created.body.key}` };
    expect((await gw.call('DELETE', `/me/api-keys/${created.body.id}`, { token: other })).status).to.equal(404);
    expect((await gw.call('POST', '/dreams', { body: { title: 'still mine' }, headers: asKey })).status).to.equal(201);
    expect((await gw.call('DELETE', '/me/api-keys/not-a-uuid', { token: owner })).status).to.equal(404);
    expect((await gw.call('DELETE', `/me/api-keys/${created.body.id}`, { token: owner })).status).to.equal(204);
    expect((await gw.call('POST', '/dreams', { body: { title: 'after' }, headers: asKey })).status).to.equal(401);
    const [listed] = (await gw.call('GET', '/me/api-keys', { token: owner })).body.items;
    expect(listed.revokedAt).to.be.a('string');
  });

  it('are at most API_KEYS_PER_USER active per user, also when asked for in parallel', async () => {
    const token = await gw.token('nina');
    const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => gw.call('POST', '/me/api-keys', { token, body: { name: `k${n}` } })));
    expect(answers.map((a) => a.status).sort()).to.deep.equal([201, 201, 201, 409, 409]);
    const refused = answers.find((a) => a.status === 409)!;
    expect(refused.body.error.code).to.equal('too_many_api_keys');
    const revokeOne = answers.find((a) => a.status === 201)!;
    expect((await gw.call('DELETE', `/me/api-keys/${revokeOne.body.id}`, { token })).status).to.equal(204);
    expect((await gw.call('POST', '/me/api-keys', { token, body: { name: 'k6' } })).status).to.equal(201);
  });

  it('refuse bad input with 400', async () => {
    const token = await gw.token('oscar');
    for (const body of [{}, { name: '' }, { name: 'x'.repeat(201) }, { name: 3 }]) {
      const answer = await gw.call('POST', '/me/api-keys', { token, body });
      expect(answer.status, JSON.stringify(body)).to.equal(400);
    }
    expect((await gw.call('POST', '/me/api-keys', { token, body: { name: 'x', userId: 'someone-else' } })).status).to.equal(400);
    // Query parameters are ignored here as elsewhere: the list is always the caller's own.
    await gw.call('POST', '/me/api-keys', { token: await gw.token('someone-else'), body: { name: 'theirs' } });
    const listed = await gw.call('GET', '/me/api-keys?userId=someone-else', { token });
    expect(listed.status).to.equal(200);
    expect(listed.body.items).to.deep.equal([]);
  });
});
