/**
 * SQL injection in every filter the API offers: the list filters, search, cursors, path
 * parameters, the audit and admin parameters, and the token's subject itself. Each payload
 * must be answered (200 with nothing foreign, or a 4xx), never a 5xx, never slowed by an
 * injected `pg_sleep`, and must leave the tables as they were.
 */
import { randomUUID } from 'node:crypto';
import { signToken } from '../faults/api-client.js';
import type { SecurityContext } from './context.js';

const AREA = 'SQL injection';

export const PAYLOADS = [
  "' OR '1'='1",
  "' OR 1=1 --",
  '" OR ""="',
  "1) OR (1=1",
  "%' OR '%'='",
  "'; SELECT pg_sleep(3); --",
  "' || (SELECT pg_sleep(3)) || '",
  "' UNION SELECT owner_id, title, null, null FROM read_models.dream_summary --",
  "'; DROP TABLE read_models.dream_summary; --",
  "\\'; DELETE FROM event_store.events; --",
  "$$ OR 1=1 $$",
  "!! & | :* ( <-> '",
];

export async function injectionCases(ctx: SecurityContext): Promise<void> {
  const { report, bob, alice, admin, auditor } = ctx;
  const before = await counts(ctx);
  const marker = alice.title;
  const filters: [string, (payload: string) => string, string][] = [
    ['GET /dreams?q=', (p) => `/dreams?q=${encodeURIComponent(p)}`, bob.token],
    ['GET /dreams?tag=', (p) => `/dreams?tag=${encodeURIComponent(p.slice(0, 50))}`, bob.token],
    ['GET /dreams?brand=', (p) => `/dreams?brand=${encodeURIComponent(p)}`, bob.token],
    ['GET /dreams?status=', (p) => `/dreams?status=${encodeURIComponent(p)}`, bob.token],
    ['GET /dreams?cursor= (forged)', (p) => `/dreams?cursor=${Buffer.from(JSON.stringify([p, randomUUID()])).toString('base64url')}`, bob.token],
    ['GET /dreams?limit=', (p) => `/dreams?limit=${encodeURIComponent(p)}`, bob.token],
    ['GET /dreams/brand/{brand}', (p) => `/dreams/brand/${encodeURIComponent(p)}`, bob.token],
    ['GET /search?q=', (p) => `/search?q=${encodeURIComponent(p)}`, bob.token],
    ['GET /dreams/{id}', (p) => `/dreams/${encodeURIComponent(p)}`, bob.token],
    ['GET /dreams/{id}/history?cursor=', (p) => `/dreams/${alice.dreamId}/history?cursor=${encodeURIComponent(p)}`, bob.token],
    ['GET /audit/events?from=', (p) => `/audit/events?from=${encodeURIComponent(p)}`, auditor.token],
    ['GET /audit/dreams/{id}/state?at=', (p) => `/audit/dreams/${alice.dreamId}/state?at=${encodeURIComponent(p.slice(0, 40))}`, auditor.token],
    ['GET /admin/api-keys?userId=', (p) => `/admin/api-keys?userId=${encodeURIComponent(p)}`, admin.token],
  ];
  for (const [name, path, token] of filters) {
    await report.check(AREA, name, '200 with nothing foreign, or 4xx; no delay', async () => {
      const outcomes: string[] = [];
      let passed = true;
      for (const payload of PAYLOADS) {
        const reply = await ctx.call('GET', path(payload), { token });
        const foreign = token === bob.token && reply.text.includes(marker);
        const ok = (reply.status === 200 || (reply.status >= 400 && reply.status < 500)) && !foreign && reply.ms < 2_500;
        if (!ok) outcomes.push(`${JSON.stringify(payload)} -> ${reply.status} in ${Math.round(reply.ms)} ms${foreign ? ' with her data' : ''}`);
        passed &&= ok;
      }
      return { passed, actual: passed ? `${PAYLOADS.length} payloads: 200/4xx, none slow` : outcomes.join('; ') };
    });
  }
  await report.check(AREA, 'a token whose subject is a payload', 'sees only its own (nothing)', async () => {
    const seen: string[] = [];
    for (const payload of PAYLOADS) {
      const token = await signToken(payload);
      for (const path of ['/dreams', '/sync/status', '/me/activity', `/dreams/${alice.dreamId}`]) {
        const reply = await ctx.call('GET', path, { token, headers: { 'x-min-position': alice.position } });
        if (reply.status >= 500 || reply.text.includes(marker) || (path === '/dreams' && reply.json?.items?.length)) seen.push(`${path} as ${JSON.stringify(payload)}: ${reply.status}`);
      }
    }
    return { passed: !seen.length, actual: seen.length ? seen.join('; ') : `${PAYLOADS.length} subjects, nothing seen` };
  });
  await report.check(AREA, 'the tables afterwards', 'as before', async () => {
    const after = await counts(ctx);
    return { passed: JSON.stringify(after) === JSON.stringify(before), actual: JSON.stringify(after) };
  });
}

async function counts(ctx: SecurityContext): Promise<Record<string, string>> {
  const { rows } = await ctx.observer.query<{ summaries: string; events: string; keys: string }>(
    `SELECT (SELECT count(*) FROM read_models.dream_summary)::text AS summaries,
            (SELECT count(*) FROM event_store.events)::text AS events,
            (SELECT count(*) FROM gateway.api_keys)::text AS keys`,
  );
  return rows[0]!;
}
