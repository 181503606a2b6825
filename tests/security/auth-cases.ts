/**
 * Who the gateway believes a caller is, and what it lets them do: forged and out-of-date
 * tokens in both of its modes (the development HS256 secret, and a JWKS with issuer and
 * audience as in production), API keys before and after revocation, and every way a user
 * might try to become an auditor or an integration.
 */
import { SignJWT } from 'jose';
import { signToken } from '../faults/api-client.js';
import type { SecurityContext } from './context.js';
import { AUDIENCE, ISSUER, KEY_ID } from './hardened-gateway.js';
import { statusIs } from './report.js';
import { attacker, DEV_SECRET, hmac, keyConfused, now, tampered, unsigned } from './tokens.js';

const TOKENS = 'tokens';
const KEYS = 'API keys';
const ROLES = 'role escalation';

export async function tokenCases(ctx: SecurityContext): Promise<void> {
  const { report, bob, alice, hardened } = ctx;
  const read = (authorization: string | undefined, base?: string) => ctx.call('GET', '/dreams', { headers: authorization ? { authorization } : {} }, base);
  const refused = async (name: string, authorization: string | undefined, base?: string) =>
    report.check(TOKENS, name, '401', async () => {
      const reply = await read(authorization, base);
      return { passed: reply.status === 401 && reply.json?.error?.code === 'unauthorized', actual: `${reply.status} ${reply.json?.error?.message ?? ''}` };
    });
  const claims = { sub: bob.id, roles: ['user'] };

  await report.check(TOKENS, 'a valid HS256 token (control)', '200', async () => statusIs((await read(`Bearer ${bob.token}`)).status, 200));
  await refused('no credentials', undefined);
  await refused('signed with another secret', `Bearer ${await hmac(claims, new TextEncoder().encode('not-the-secret-of-this-gateway-at-all'))}`);
  await refused('payload tampered (sub changed to another user)', `Bearer ${tampered(bob.token, { sub: alice.id, roles: ['user', 'admin'], exp: now() + 600 })}`);
  await refused('signature stripped', `Bearer ${bob.token.split('.').slice(0, 2).join('.')}.`);
  for (const alg of ['none', 'None', 'NONE', 'nOnE']) await refused(`alg: ${alg}`, `Bearer ${unsigned({ ...claims, roles: ['admin'], exp: now() + 600 }, alg)}`);
  for (const alg of ['HS384', 'HS512']) await refused(`${alg} with the right secret`, `Bearer ${await hmac(claims, DEV_SECRET, alg)}`);
  await refused('expired a minute ago', `Bearer ${await hmac({ ...claims, exp: now() - 60, iat: now() - 660 })}`);
  await refused('expired a year ago', `Bearer ${await hmac({ ...claims, exp: now() - 31_536_000, iat: now() - 31_537_000 })}`);
  await refused('not valid yet (nbf in 30 min)', `Bearer ${await hmac({ ...claims, nbf: now() + 1_800, exp: now() + 3_600 })}`);
  await refused('issued in the future (iat in 1 h)', `Bearer ${await hmac({ ...claims, iat: now() + 3_600, exp: now() + 7_200 })}`);
  await refused('no expiry', `Bearer ${await new SignJWT({ roles: ['user'] }).setSubject(bob.id).setIssuedAt().setProtectedHeader({ alg: 'HS256' }).sign(DEV_SECRET)}`);
  await refused('no subject', `Bearer ${await hmac({ roles: ['user'] })}`);
  await refused('empty subject', `Bearer ${await hmac({ ...claims, sub: '' })}`);
  await refused('subject of 201 characters', `Bearer ${await hmac({ ...claims, sub: 'u'.repeat(201) })}`);
  await refused('roles as a string, not a list', `Bearer ${await hmac({ ...claims, roles: 'admin' })}`);
  await refused('kid pointing at a file, signed with a guessed secret', `Bearer ${await hmac(claims, new TextEncoder().encode(''.padEnd(32, '\0')), 'HS256', { kid: '../../../../dev/null' })}`);
  await refused('malformed: three dots', 'Bearer ...');
  await refused('malformed: two credentials', `Bearer ${bob.token} ${bob.token}`);
  await report.check(TOKENS, 'a token in ?access_token= on a route that is not /live', '401', async () => {
    const reply = await ctx.call('GET', `/dreams?access_token=${bob.token}`);
    return statusIs(reply.status, 401);
  });

  // Production's configuration: keys from a JWKS, issuer and audience checked.
  const rs = { sub: bob.id, roles: ['user'], iss: ISSUER, aud: AUDIENCE };
  const evil = await attacker();
  await report.check(TOKENS, 'JWKS: a valid RS256 token (control)', '200', async () => statusIs((await read(`Bearer ${await hardened.token(bob.id)}`, hardened.api)).status, 200));
  await refused('JWKS: the development HS256 token', `Bearer ${bob.token}`, hardened.api);
  const confused = await keyConfused(hardened.publicJwk, rs, KEY_ID);
  for (const [index, token] of confused.entries()) await refused(`JWKS: key confusion, HS256 keyed with the public key (${['PEM', 'PEM trimmed', 'JWK text'][index]})`, `Bearer ${token}`, hardened.api);
  await refused("JWKS: an attacker's key under the real kid", `Bearer ${await evil.sign(rs, { kid: KEY_ID })}`, hardened.api);
  await refused("JWKS: an attacker's key embedded in the header (jwk)", `Bearer ${await evil.sign(rs, { jwk: evil.publicJwk })}`, hardened.api);
  await refused("JWKS: a key set URL of the attacker's (jku)", `Bearer ${await evil.sign(rs, { kid: 'evil', jku: 'http://127.0.0.1:9/jwks.json' })}`, hardened.api);
  await refused('JWKS: kid with path traversal', `Bearer ${await evil.sign(rs, { kid: '../../../../etc/passwd' })}`, hardened.api);
  await refused('JWKS: alg none', `Bearer ${unsigned({ ...rs, exp: now() + 600 })}`, hardened.api);
  const real = (payload: Record<string, unknown>) => signReal(ctx, payload);
  await refused('JWKS: wrong issuer', `Bearer ${await real({ ...rs, iss: 'https://evil.example/' })}`, hardened.api);
  await refused('JWKS: wrong audience', `Bearer ${await real({ ...rs, aud: 'another-api' })}`, hardened.api);
  await refused('JWKS: no audience', `Bearer ${await real({ sub: bob.id, iss: ISSUER })}`, hardened.api);
  await refused('JWKS: expired', `Bearer ${await real({ ...rs, exp: now() - 120, iat: now() - 720 })}`, hardened.api);
  await refused('JWKS: issued in the future', `Bearer ${await real({ ...rs, iat: now() + 3_600, exp: now() + 7_200 })}`, hardened.api);
}

/** A token signed with the identity provider's real key and `payload` as it is. */
function signReal(ctx: SecurityContext, payload: Record<string, unknown>): Promise<string> {
  return new SignJWT({ exp: now() + 600, iat: now(), ...payload }).setProtectedHeader({ alg: 'RS256', kid: KEY_ID }).sign(ctx.hardened.privateKey);
}

export async function apiKeyCases(ctx: SecurityContext): Promise<void> {
  const { report, admin, bob } = ctx;
  const owner = `${bob.id}-keyholder`;
  const created = await ctx.call('POST', '/admin/api-keys', { token: admin.token, body: { userId: owner, name: 'Security suite' } });
  const key: string = created.json?.key ?? '';
  const use = (authorization: string) => ctx.call('GET', '/dreams', { headers: { authorization } });
  await report.check(KEYS, 'a fresh key (control)', '200', async () => statusIs((await use(`ApiKey ${key}`)).status, 200));
  await report.check(KEYS, 'the key list shows no secret', 'no key in the body', async () => {
    const listed = await ctx.call('GET', `/admin/api-keys?userId=${encodeURIComponent(owner)}`, { token: admin.token });
    // The secret is everything after the prefix; base64url may itself hold '_'.
    const secret = key.slice('dc_'.length + 12 + 1);
    const shown = listed.text.includes(secret);
    return { passed: listed.status === 200 && secret.length === 43 && !shown, actual: `${listed.status}, ${shown ? 'secret shown' : 'no secret'}` };
  });
  await report.check(KEYS, 'the right prefix with a wrong secret', '401', async () => statusIs((await use(`ApiKey ${key.slice(0, -4)}AAAA`)).status, 401));
  await report.check(KEYS, 'not a key at all', '401', async () => statusIs((await use("ApiKey dc_' OR '1'='1")).status, 401));
  // The extension sends its key as a bearer token; a key's form tells it from a JWT.
  await report.check(KEYS, 'the key presented as a bearer token (as the extension sends it)', '200', async () => statusIs((await use(`Bearer ${key}`)).status, 200));
  await report.check(KEYS, 'a user creating a key for someone else', '403', async () => statusIs((await ctx.call('POST', '/admin/api-keys', { token: bob.token, body: { userId: ctx.alice.id, name: 'mine now' } })).status, 403));
  const revoked = await ctx.call('DELETE', `/admin/api-keys/${created.json?.id}`, { token: admin.token });
  await report.check(KEYS, 'revoked key, on a read', '401', async () => statusIs((await use(`ApiKey ${key}`)).status, revoked.status === 204 ? 401 : -1));
  await report.check(KEYS, 'revoked key as a bearer token', '401', async () => statusIs((await use(`Bearer ${key}`)).status, revoked.status === 204 ? 401 : -1));
  await report.check(KEYS, 'revoked key, on a command', '401', async () => {
    const reply = await ctx.call('POST', '/dreams', { headers: { authorization: `ApiKey ${key}` }, body: { title: 'Written with a revoked key' } });
    return statusIs(reply.status, 401);
  });
}

export async function roleCases(ctx: SecurityContext): Promise<void> {
  const { report, bob, alice, auditor, integration } = ctx;
  const dream = alice.dreamId;
  const forbidden = async (name: string, method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) =>
    report.check(ROLES, name, '403', async () => {
      const reply = await ctx.call(method, path, { token, headers, ...(body !== undefined && { body }) });
      return { passed: reply.status === 403 && !reply.text.includes(alice.title), actual: String(reply.status) };
    });
  const eventsBefore = await ctx.aliceEvents();
  await forbidden('user -> all events (audit)', 'GET', '/audit/events', bob.token);
  await forbidden('user -> export of all events (audit)', 'GET', '/audit/events/export', bob.token);
  await forbidden("user -> a dream's events (audit)", 'GET', `/audit/dreams/${dream}/events`, bob.token);
  await forbidden("user -> a dream's past state (audit)", 'GET', `/audit/dreams/${dream}/state?revision=0`, bob.token);
  await forbidden("user -> a dream's history check (audit)", 'GET', `/audit/dreams/${dream}/verify`, bob.token);
  await forbidden('user -> list API keys (admin)', 'GET', '/admin/api-keys', bob.token);
  await forbidden("user -> erase another user's data (admin)", 'POST', `/admin/users/${encodeURIComponent(alice.id)}/erase`, bob.token, {});
  await forbidden('user -> report a sync (integration)', 'POST', `/dreams/${dream}/sync`, bob.token, { status: 'synced', pipelineosProjectId: 'p-1' });
  await forbidden('user -> report an implementation (integration)', 'POST', `/dreams/${dream}/implementation`, bob.token, { pipelineosProjectId: 'p-1' });
  await forbidden('user -> a sync report smuggled into a sync session', 'POST', '/sync-sessions', bob.token, { items: [{ idempotencyKey: 'k-1', command: { type: 'ReportSync', data: { dreamId: dream, status: 'synced', pipelineosProjectId: 'p-1' } } }] });
  await forbidden("own dream's sync report smuggled into a sync session", 'POST', '/sync-sessions', alice.token, { items: [{ idempotencyKey: 'k-2', command: { type: 'ReportSync', data: { dreamId: dream, status: 'synced', pipelineosProjectId: 'p-1' } } }] });
  for (const roles of [['Auditor'], ['auditor '], ['AUDITOR'], ['user', 'superuser'], ['root']]) {
    await forbidden(`roles ${JSON.stringify(roles)} -> audit`, 'GET', '/audit/events', await signToken(bob.id, roles));
  }
  await forbidden('user with X-Roles / X-User / X-Forwarded-User headers -> audit', 'GET', '/audit/events', bob.token, undefined, { 'x-roles': 'auditor', 'x-user': 'admin', 'x-forwarded-user': alice.id, 'x-user-id': alice.id });
  await forbidden('user with ?roles=auditor -> audit', 'GET', '/audit/events?roles=auditor&role=admin', bob.token);
  await report.check(ROLES, 'roles in a command body (metadata injection)', '400', async () => {
    const reply = await ctx.call('POST', '/dreams', { token: bob.token, body: { title: 'Escalated', metadata: { roles: ['admin'], userId: alice.id } } });
    return statusIs(reply.status, 400);
  });
  await forbidden('auditor -> write a command', 'POST', '/dreams', auditor.token, { title: 'Auditors read only' });
  await forbidden('auditor -> capture', 'POST', '/conversations/capture', auditor.token, { fragment: { title: 't', content: 'c', source: 'chatgpt' } });
  await forbidden('integration -> audit', 'GET', '/audit/events', integration.token);
  await forbidden('integration -> admin', 'GET', '/admin/api-keys', integration.token);
  await report.check(ROLES, "nothing was written to alice's dream by any of it", `${eventsBefore} events`, async () => {
    const after = await ctx.aliceEvents();
    return { passed: after === eventsBefore, actual: `${after} events` };
  });
}
