/**
 * Self-service API keys (`/me/api-keys`) and the older extension's WebSocket path with the
 * key in it: a key is its maker's and acts with role `user` only, another user's key id is
 * 404, a key cannot make keys, a revoked key opens nothing, and a key in a path opens
 * nothing but that key's own channel.
 */
import { openWs } from '@dreamcatcher/gateway/testing';
import type { SecurityContext } from './context.js';
import { statusIs } from './report.js';

const AREA = 'self-service API keys';

export async function selfServiceCases(ctx: SecurityContext): Promise<void> {
  const { report, alice, bob, admin } = ctx;
  const keyPath = (key: string) => `${ctx.system.gatewayUrl.replace('http', 'ws')}/ws/dreamcatcher/${encodeURIComponent(key)}`;
  const opened = (url: string) =>
    openWs(url).then(
      (client) => {
        client.close();
        return 101;
      },
      (error: { status?: number }) => error.status ?? -1,
    );
  const made = await ctx.call('POST', '/me/api-keys', { token: alice.token, body: { name: 'security suite' } });
  const key = made.json.key as string;
  const id = made.json.id as string;

  await report.check(AREA, 'bob revokes alice\'s key by its id', '404, and the key still works', async () => {
    const revoke = await ctx.call('DELETE', `/me/api-keys/${id}`, { token: bob.token });
    const still = await ctx.call('GET', `/dreams/${alice.dreamId}`, { token: key });
    return { passed: revoke.status === 404 && still.status === 200, actual: `${revoke.status}, then ${still.status}` };
  });
  await report.check(AREA, "bob's list holds alice's key", 'no', async () => {
    const list = await ctx.call('GET', '/me/api-keys', { token: bob.token });
    return { passed: list.status === 200 && !list.text.includes(id), actual: list.text.includes(id) ? 'listed' : String(list.status) };
  });
  await report.check(AREA, 'a key is made for another user by naming them', '400', async () =>
    statusIs((await ctx.call('POST', '/me/api-keys', { token: bob.token, body: { name: 'x', userId: alice.id } })).status, 400),
  );
  await report.check(AREA, 'an API key makes itself a second key', '403', async () =>
    statusIs((await ctx.call('POST', '/me/api-keys', { token: key, body: { name: 'persistence' } })).status, 403),
  );
  await report.check(AREA, "an admin's own key reads the admin routes", '403', async () => {
    const adminKey = await ctx.call('POST', '/me/api-keys', { token: admin.token, body: { name: 'admin laptop' } });
    return statusIs((await ctx.call('GET', '/admin/api-keys', { token: adminKey.json.key })).status, 403);
  });
  await report.check(AREA, 'a JWT in the key path of the WebSocket', '401', async () => statusIs(await opened(keyPath(bob.token)), 401));
  await report.check(AREA, "alice's key in the WebSocket path (control)", '101', async () => statusIs(await opened(keyPath(key)), 101));
  await report.check(AREA, 'a key revoked by its owner, on a read and on the WebSocket path', '401, 401', async () => {
    const revoke = await ctx.call('DELETE', `/me/api-keys/${id}`, { token: alice.token });
    const read = await ctx.call('GET', `/dreams/${alice.dreamId}`, { token: key });
    const ws = await opened(keyPath(key));
    return { passed: revoke.status === 204 && read.status === 401 && ws === 401, actual: `${revoke.status}: ${read.status}, ${ws}` };
  });
}
