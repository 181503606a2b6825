/**
 * One user's dreams are invisible to every other user: on every route of the contract that
 * takes a dream id, bob, naming alice's dream (and her fragment and todo), gets exactly what
 * he gets for a dream that does not exist — the same 404 and body, no header that tells them
 * apart, no measurable difference in time — and nothing of hers appears in his lists,
 * counts, search or live updates. None of his attempts changes her dream.
 */
import { randomUUID } from 'node:crypto';
import { openApiOperations } from '@dreamcatcher/contracts';
import { openSse } from '@dreamcatcher/gateway/testing';
import { commandRoutes } from '../fuzz/routes.js';
import type { RawAnswer } from '../fuzz/raw-http.js';
import type { SecurityContext } from './context.js';

const AREA = "another user's ids";
const INTEGRATION_ONLY = new Set(['reportSync', 'completeImplementation']);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function isolationCases(ctx: SecurityContext): Promise<void> {
  const { report, alice, bob } = ctx;
  const secrets = [alice.title, alice.id, alice.title.split(' ').at(-1)!];
  const leaks = (reply: RawAnswer) => secrets.filter((secret) => reply.text.includes(secret));
  const bodies = new Map(commandRoutes().map((route) => [route.operationId, route.validBody]));
  const foreign = { id: alice.dreamId, fragmentId: alice.fragmentId, todoId: alice.todoId };
  const missing = { id: randomUUID(), fragmentId: randomUUID(), todoId: randomUUID() };
  const fill = (path: string, ids: Record<string, string>) => path.replace('/api/v1', '').replace(/\{(\w+)\}/g, (_, name: string) => ids[name]!);
  const eventsBefore = await ctx.aliceEvents();

  const operations = openApiOperations().filter((operation) => operation.path.startsWith('/api/v1/dreams/{id}'));
  for (const operation of operations) {
    const body = operation.method === 'GET' || operation.method === 'DELETE' ? undefined : (bodies.get(operation.operationId) ?? {});
    const attempt = (ids: Record<string, string>) => ctx.call(operation.method, fill(operation.path, ids), { token: bob.token, ...(body !== undefined && { body }), headers: { 'x-min-position': alice.position } });
    const expected = INTEGRATION_ONLY.has(operation.operationId) ? 403 : 404;
    await report.check(AREA, `${operation.method} ${operation.path.replace('/api/v1', '')}`, `${expected}, as for a missing dream`, async () => {
      const [theirs, none] = [await attempt(foreign), await attempt(missing)];
      const sameBody = JSON.stringify(theirs.json) === JSON.stringify(none.json);
      // A 404 with an entity tag or a location would say that something is there.
      const telling = ['etag', 'location'].filter((name) => theirs.headers[name] !== undefined);
      const leaked = leaks(theirs);
      return {
        passed: theirs.status === expected && none.status === expected && sameBody && !telling.length && !leaked.length,
        actual: `${theirs.status} (missing: ${none.status})${sameBody ? '' : ', different bodies'}${telling.length ? `, headers ${telling.join(',')}` : ''}${leaked.length ? `, leaks ${leaked.join(',')}` : ''}`,
      };
    });
  }

  await report.check(AREA, "capture into her dream (dreamId in the body)", '404, as for a missing dream', async () => {
    const capture = (dreamId: string) => ctx.call('POST', '/conversations/capture', { token: bob.token, body: { dreamId, fragment: { title: 'mine', content: 'mine', source: 'chatgpt' } } });
    const [theirs, none] = [await capture(alice.dreamId), await capture(missing.id)];
    return { passed: theirs.status === 404 && none.status === 404 && theirs.text === none.text, actual: `${theirs.status} (missing: ${none.status})` };
  });
  await report.check(AREA, 'a sync session naming her dream', 'item 404, as for a missing dream', async () => {
    const session = (dreamId: string, key: string) => ctx.call('POST', '/sync-sessions', { token: bob.token, body: { items: [{ idempotencyKey: key, command: { type: 'AddTodo', data: { dreamId, title: 'mine' } } }] } });
    const [theirs, none] = [await session(alice.dreamId, `sec-${randomUUID()}`), await session(missing.id, `sec-${randomUUID()}`)];
    const [a, b] = [theirs.json?.items?.[0], none.json?.items?.[0]];
    return { passed: a?.status === 404 && b?.status === 404 && JSON.stringify(a.error) === JSON.stringify(b.error) && !leaks(theirs).length, actual: `item ${a?.status} (missing: ${b?.status})` };
  });
  await report.check(AREA, 'an import reusing her dream id', 'refused, nothing of hers in the answer', async () => {
    const reply = await ctx.call('POST', '/dreams/import', { token: bob.token, body: { dream: { id: alice.dreamId, title: 'Taken over' } } });
    return { passed: reply.status >= 400 && reply.status < 500 && !leaks(reply).length, actual: `${reply.status} ${reply.json?.error?.code ?? ''}` };
  });

  for (const [label, method, path, body] of [
    ['GET /dreams/{id}', 'GET', '/dreams/{id}', undefined],
    ['GET /dreams/{id}/history', 'GET', '/dreams/{id}/history', undefined],
    ['PATCH /dreams/{id}', 'PATCH', '/dreams/{id}', { summary: 'timing probe' }],
  ] as const) {
    await report.check(AREA, `time of ${label}: her dream vs none`, 'indistinguishable', async () => {
      const times: Record<'theirs' | 'none', number[]> = { theirs: [], none: [] };
      for (let round = 0; round < 15; round++) {
        for (const [which, id] of [['theirs', alice.dreamId], ['none', randomUUID()]] as const) {
          const reply = await ctx.call(method, path.replace('{id}', id), { token: bob.token, ...(body && { body }) });
          if (round > 2) times[which].push(reply.ms);
        }
      }
      const [a, b] = [median(times.theirs), median(times.none)];
      return { passed: Math.abs(a - b) <= Math.max(15, 0.5 * Math.max(a, b)), actual: `median ${a.toFixed(1)} ms vs ${b.toFixed(1)} ms` };
    });
  }

  const read = (path: string) => ctx.call('GET', path, { token: bob.token, headers: { 'x-min-position': alice.position } });
  await report.check(AREA, 'his list, search, activity and sync status', 'empty, zero', async () => {
    const [list, search, activity, status] = [await read('/dreams'), await read(`/search?q=${encodeURIComponent(alice.title)}`), await read('/me/activity'), await read('/sync/status')];
    const counts = { listed: list.json?.items?.length, found: search.json?.items?.length, dreams: activity.json?.dreamCount, total: status.json?.totalDreams };
    return { passed: Object.values(counts).every((count) => count === 0), actual: JSON.stringify(counts) };
  });
  await report.check(AREA, 'his brand and tag counts', "no count of hers", async () => {
    const [brands, tags] = [await read('/brands'), await read('/tags')];
    const used = [...(brands.json?.items ?? []), ...(tags.json?.items ?? [])].filter((item: { dreamCount?: number }) => Number(item.dreamCount) > 0);
    const herTag = tags.text.includes(`secret-${alice.title.split(' ').at(-1)}`);
    return { passed: brands.status === 200 && tags.status === 200 && !used.length && !herTag, actual: `${used.length} non-zero count(s)${herTag ? ', her tag listed' : ''}` };
  });
  await report.check(AREA, 'his live updates while she edits', 'nothing of hers', async () => {
    const headers = (token: string) => ({ authorization: `Bearer ${token}` });
    const [his, hers] = [await openSse(`${ctx.system.api}/live`, headers(bob.token)), await openSse(`${ctx.system.api}/live`, headers(alice.token))];
    try {
      const edit = await ctx.call('PATCH', `/dreams/${alice.dreamId}`, { token: alice.token, body: { summary: `edited while watched ${randomUUID()}` } });
      await hers.next((event) => event.event === 'dream_updated' && (event.data ?? '').includes(alice.dreamId), 15_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const seen = his.received.filter((event) => (event.data ?? '').includes(alice.dreamId) || (event.data ?? '').includes(alice.title));
      return { passed: edit.status === 200 && seen.length === 0, actual: `${seen.length} of her updates in his stream (${his.received.length} frames)` };
    } finally {
      his.close();
      hers.close();
    }
  });
  await report.check(AREA, "her dream after all of his attempts", 'unchanged but for her own edit', async () => {
    const after = await ctx.aliceEvents();
    return { passed: after === eventsBefore + 1, actual: `${after - eventsBefore} new event(s)` };
  });
}
