import { expect } from 'chai';
import { SignJWT } from 'jose';
import { TEST_JWT_SECRET, useGateway } from '../testing/gateway-fixture.js';
import { MAX_VIOLATIONS } from './errors.js';

describe('gateway: bounded errors, uncached private answers, bounded token lifetimes', () => {
  const gw = useGateway({ readModels: true });
  let token: string;

  before(async () => {
    token = await gw.token('petra');
  });

  it(`lists at most ${MAX_VIOLATIONS} violations, and says it cut the list`, async () => {
    const reply = await gw.call('POST', '/sync-sessions', { token, body: { items: Array.from({ length: 60 }, () => ({})) } });
    expect(reply.status, reply.text).to.equal(400);
    expect(reply.body.error.details.violations).to.have.length(MAX_VIOLATIONS);
    expect(reply.body.error.details.truncated).to.equal(true);
    const few = await gw.call('GET', '/dreams?limit=x', { token });
    expect(few.status).to.equal(400);
    expect(few.body.error.details).not.to.have.property('truncated');
  });

  it('marks every answer to a request with credentials no-store, and leaves anonymous ones alone', async () => {
    for (const reply of [await gw.call('GET', '/dreams', { token }), await gw.call('GET', '/nowhere', { token }), await gw.call('GET', '/dreams', { headers: { authorization: 'Bearer forged' } })]) {
      expect(reply.headers.get('cache-control'), `${reply.status} ${reply.text}`).to.equal('no-store');
    }
    expect((await gw.call('GET', '/openapi.json')).headers.get('cache-control')).to.equal(null);
  });

  it('refuses a token whose exp is further from iat than JWT_MAX_LIFETIME_SECONDS', async () => {
    const now = Math.floor(Date.now() / 1000);
    const sign = (exp: number) => new SignJWT({ roles: ['user'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('petra').setIssuedAt(now).setExpirationTime(exp).sign(new TextEncoder().encode(TEST_JWT_SECRET));
    const forever = await gw.call('GET', '/dreams', { token: await sign(now + 10 * 365 * 86_400) });
    expect(forever.status).to.equal(401);
    expect(forever.body.error.message).to.match(/exp/);
    expect((await gw.call('GET', '/dreams', { token: await sign(now + 86_400) })).status).to.equal(200);
  });
});
