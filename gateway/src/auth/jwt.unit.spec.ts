import { createServer, type Server } from 'node:http';
import { expect } from 'chai';
import { base64url, exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { ServiceUnavailableError, UnauthorizedError } from '@dreamcatcher/service-kit/errors';
import { createTokenVerifier, principalFromClaims, type VerifyToken } from './jwt.js';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const secretKey = new TextEncoder().encode(SECRET);
const ISSUER = 'https://issuer.test';
const AUDIENCE = 'dreamcatcher-api';
const DAY = 86_400;

function aToken(claims: Record<string, unknown> = {}, { sub = 'user-1', exp = '5m' as string | number } = {}) {
  return new SignJWT({ roles: ['user'], ...claims }).setSubject(sub).setIssuedAt().setExpirationTime(exp);
}

async function rejects(verify: VerifyToken, token: string, message?: RegExp): Promise<UnauthorizedError> {
  try {
    await verify(token);
  } catch (error) {
    expect(error).to.be.instanceOf(UnauthorizedError);
    if (message) expect((error as Error).message).to.match(message);
    return error as UnauthorizedError;
  }
  throw new Error('token was accepted');
}

/** An unsigned token: header `alg: none`, empty signature. */
function unsecured(payload: Record<string, unknown>): string {
  const part = (value: unknown) => base64url.encode(JSON.stringify(value));
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`;
}

describe('bearer tokens', () => {
  describe('with the HS256 development secret', () => {
    const verify = createTokenVerifier({ kind: 'secret', maxLifetimeSeconds: DAY, secret: SECRET });

    it('accepts a token signed with the secret and reads sub and roles', async () => {
      const token = await aToken({ roles: ['user', 'auditor'] }).setProtectedHeader({ alg: 'HS256' }).sign(secretKey);
      expect(await verify(token)).to.deep.equal({ userId: 'user-1', roles: ['user', 'auditor'], via: 'jwt' });
    });

    it('gives a token without roles the user role', async () => {
      const token = await new SignJWT({}).setSubject('u').setExpirationTime('1m').setProtectedHeader({ alg: 'HS256' }).sign(secretKey);
      expect((await verify(token)).roles).to.deep.equal(['user']);
    });

    it('rejects alg none', async () => {
      const now = Math.floor(Date.now() / 1000);
      await rejects(verify, unsecured({ sub: 'user-1', roles: ['admin'], exp: now + 60 }));
    });

    it('rejects a token signed with another secret', async () => {
      const token = await aToken().setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('another-secret-of-sufficient-length!!'));
      await rejects(verify, token, /signature/);
    });

    it('rejects an expired token', async () => {
      const token = await aToken({}, { exp: Math.floor(Date.now() / 1000) - 60 }).setProtectedHeader({ alg: 'HS256' }).sign(secretKey);
      await rejects(verify, token, /expired/);
    });

    it('rejects a token that is not valid yet', async () => {
      const token = await aToken().setNotBefore('10m').setProtectedHeader({ alg: 'HS256' }).sign(secretKey);
      await rejects(verify, token, /nbf/);
    });

    it('rejects a token issued in the future, which only a wrong clock or a forger makes', async () => {
      const now = Math.floor(Date.now() / 1000);
      const token = await aToken({}, { exp: now + 7_200 }).setIssuedAt(now + 3_600).setProtectedHeader({ alg: 'HS256' }).sign(secretKey);
      await rejects(verify, token, /iat/);
      const withinTolerance = await aToken({}, { exp: now + 600 }).setIssuedAt(now + 3).setProtectedHeader({ alg: 'HS256' }).sign(secretKey);
      expect((await verify(withinTolerance)).userId).to.equal('user-1');
    });

    it('rejects a token whose lifetime passes the bound, measured from iat or else from now', async () => {
      const now = Math.floor(Date.now() / 1000);
      const forAYear = await aToken({}, { exp: now + 365 * DAY }).setProtectedHeader({ alg: 'HS256' }).sign(secretKey);
      await rejects(verify, forAYear, /exp/);
      const noIat = await new SignJWT({ exp: now + 2 * DAY }).setSubject('u').setProtectedHeader({ alg: 'HS256' }).sign(secretKey);
      await rejects(verify, noIat, /exp/);
      const oldButShort = await aToken({}, { exp: now + 60 }).setIssuedAt(now - DAY + 120).setProtectedHeader({ alg: 'HS256' }).sign(secretKey);
      expect((await verify(oldButShort)).userId).to.equal('user-1');
    });

    it('rejects a token without an expiry', async () => {
      const token = await new SignJWT({ roles: ['user'] }).setSubject('u').setProtectedHeader({ alg: 'HS256' }).sign(secretKey);
      await rejects(verify, token, /exp/);
    });

    it('rejects a token signed with another algorithm of the family (HS512)', async () => {
      const token = await aToken().setProtectedHeader({ alg: 'HS512' }).sign(secretKey);
      await rejects(verify, token, /algorithm/);
    });

    it('rejects garbage and a tampered payload', async () => {
      await rejects(verify, 'not-a-token');
      const token = await aToken().setProtectedHeader({ alg: 'HS256' }).sign(secretKey);
      const [header, , signature] = token.split('.');
      const forged = base64url.encode(JSON.stringify({ sub: 'user-1', roles: ['admin'], exp: Math.floor(Date.now() / 1000) + 60 }));
      await rejects(verify, `${header}.${forged}.${signature}`, /signature/);
    });

    it('checks issuer and audience when they are configured', async () => {
      const strict = createTokenVerifier({ kind: 'secret', maxLifetimeSeconds: DAY, secret: SECRET, issuer: ISSUER, audience: AUDIENCE });
      const good = await aToken().setIssuer(ISSUER).setAudience(AUDIENCE).setProtectedHeader({ alg: 'HS256' }).sign(secretKey);
      expect((await strict(good)).userId).to.equal('user-1');
      await rejects(strict, await aToken().setIssuer('https://evil.test').setAudience(AUDIENCE).setProtectedHeader({ alg: 'HS256' }).sign(secretKey), /iss/);
      await rejects(strict, await aToken().setIssuer(ISSUER).setAudience('other').setProtectedHeader({ alg: 'HS256' }).sign(secretKey), /aud/);
    });
  });

  describe('with keys from a JWKS URL', () => {
    let server: Server;
    let jwksUrl: string;
    let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
    let ec: { privateKey: CryptoKey; publicKey: CryptoKey };
    let verify: VerifyToken;
    let publicRsaJwk: JWK;

    before(async () => {
      rsa = await generateKeyPair('RS256', { extractable: true });
      ec = await generateKeyPair('ES256', { extractable: true });
      publicRsaJwk = { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' };
      const keys = [publicRsaJwk, { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' }];
      server = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ keys }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      jwksUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/.well-known/jwks.json`;
      verify = createTokenVerifier({ kind: 'jwks', maxLifetimeSeconds: DAY, jwksUrl, issuer: ISSUER, audience: AUDIENCE });
    });

    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const signed = (claims: Record<string, unknown> = {}) => aToken(claims).setIssuer(ISSUER).setAudience(AUDIENCE);

    it('accepts RS256 and ES256 tokens signed by published keys', async () => {
      const rs = await signed({ roles: ['integration'] }).setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' }).sign(rsa.privateKey);
      const es = await signed().setProtectedHeader({ alg: 'ES256', kid: 'ec-1' }).sign(ec.privateKey);
      expect(await verify(rs)).to.deep.equal({ userId: 'user-1', roles: ['integration'], via: 'jwt' });
      expect((await verify(es)).userId).to.equal('user-1');
    });

    it('rejects a token signed by a key that is not published', async () => {
      const stranger = await generateKeyPair('RS256');
      await rejects(verify, await signed().setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' }).sign(stranger.privateKey), /signature/);
      await rejects(verify, await signed().setProtectedHeader({ alg: 'RS256', kid: 'unknown' }).sign(stranger.privateKey), /unknown key/);
    });

    it('rejects the wrong issuer or audience', async () => {
      const wrongIssuer = await aToken().setIssuer('https://evil.test').setAudience(AUDIENCE).setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' }).sign(rsa.privateKey);
      const wrongAudience = await aToken().setIssuer(ISSUER).setAudience('someone-else').setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' }).sign(rsa.privateKey);
      await rejects(verify, wrongIssuer, /iss/);
      await rejects(verify, wrongAudience, /aud/);
    });

    it('rejects expired and not-yet-valid tokens', async () => {
      const expired = await aToken({}, { exp: Math.floor(Date.now() / 1000) - 60 }).setIssuer(ISSUER).setAudience(AUDIENCE).setProtectedHeader({ alg: 'ES256', kid: 'ec-1' }).sign(ec.privateKey);
      const early = await signed().setNotBefore('1h').setProtectedHeader({ alg: 'ES256', kid: 'ec-1' }).sign(ec.privateKey);
      await rejects(verify, expired, /expired/);
      await rejects(verify, early, /nbf/);
      const future = await signed().setIssuedAt(Math.floor(Date.now() / 1000) + 3_600).setExpirationTime('2h').setProtectedHeader({ alg: 'ES256', kid: 'ec-1' }).sign(ec.privateKey);
      await rejects(verify, future, /iat/);
    });

    it('rejects algorithm confusion: an HS256 token keyed with the public RSA key', async () => {
      const pem = new TextEncoder().encode(await exportSPKI(rsa.publicKey));
      const asJwkBytes = new TextEncoder().encode(JSON.stringify(publicRsaJwk));
      for (const key of [pem, asJwkBytes]) {
        const forged = await signed({ roles: ['admin'] }).setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' }).sign(key);
        await rejects(verify, forged, /algorithm/);
      }
    });

    it('rejects alg none', async () => {
      const now = Math.floor(Date.now() / 1000);
      await rejects(verify, unsecured({ sub: 'user-1', iss: ISSUER, aud: AUDIENCE, exp: now + 60 }));
    });

    it('answers 503, not 401, when the key set cannot be fetched', async () => {
      const down = createTokenVerifier({ kind: 'jwks', maxLifetimeSeconds: DAY, jwksUrl: 'http://127.0.0.1:1/jwks.json', issuer: ISSUER, audience: AUDIENCE });
      const token = await signed().setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' }).sign(rsa.privateKey);
      try {
        await down(token);
        expect.fail('accepted');
      } catch (error) {
        expect(error).to.be.instanceOf(ServiceUnavailableError);
      }
    });
  });

  describe('claims', () => {
    it('drops unknown roles and refuses roles that are not a list of strings', () => {
      expect(principalFromClaims({ sub: 'u', roles: ['user', 'root', 'admin'] }).roles).to.deep.equal(['user', 'admin']);
      expect(() => principalFromClaims({ sub: 'u', roles: 'admin' })).to.throw(UnauthorizedError);
      expect(() => principalFromClaims({ sub: '', roles: [] })).to.throw(UnauthorizedError);
      expect(() => principalFromClaims({ roles: ['user'] })).to.throw(UnauthorizedError);
    });
  });
});
