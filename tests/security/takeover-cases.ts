/**
 * A dream cannot be taken over by spelling its id in upper case, and no answer tells
 * another user that a dream exists: bob importing alice's id (in any case), or editing it
 * with `If-Match`, gets the 404 a dream that does not exist gets, and alice keeps her dream.
 * User ids that no store can keep as given (NUL, a lone surrogate) are refused at the door.
 */
import { randomUUID } from 'node:crypto';
import { signToken } from '../faults/api-client.js';
import type { RawAnswer } from '../fuzz/raw-http.js';
import type { SecurityContext } from './context.js';
import { statusIs } from './report.js';

const AREA = 'takeover';

export async function takeoverCases(ctx: SecurityContext): Promise<void> {
  const { report, alice, bob } = ctx;
  const run = randomUUID().slice(0, 8);
  const title = `Alice's other plan ${run}`;
  // A dream of her own for these cases, so that a takeover that succeeded would harm no other case.
  const created = await ctx.call('POST', '/dreams', { token: alice.token, body: { title, description: `Keyword takeover${run}` } });
  const dreamId = created.json?.dreamId as string;
  const upper = dreamId.toUpperCase();
  const missing = randomUUID();
  const leaks = (reply: RawAnswer) => reply.text.includes(title) || reply.text.includes(`takeover${run}`);
  const sameBody = (a: RawAnswer, b: RawAnswer) => JSON.stringify(a.json) === JSON.stringify(b.json);

  await report.check(AREA, 'bob imports her dream id in upper case', "404; she still reads her dream and he reads nothing of it", async () => {
    const taken = await ctx.call('POST', '/dreams/import', { token: bob.token, body: { dream: { id: upper, title: 'Mine now', description: 'taken over' } } });
    // Her edit after his attempt: reading at its position sees whatever his attempt caused.
    const edit = await ctx.call('PATCH', `/dreams/${dreamId}`, { token: alice.token, body: { summary: 'still mine' } });
    const at = { 'x-min-position': String(edit.json?.position ?? created.json?.position) };
    const hers = await ctx.call('GET', `/dreams/${dreamId}`, { token: alice.token, headers: at });
    const his = [
      await ctx.call('GET', `/dreams/${dreamId}`, { token: bob.token, headers: at }),
      await ctx.call('GET', `/dreams/${upper}`, { token: bob.token, headers: at }),
      await ctx.call('GET', `/search?q=${encodeURIComponent(`takeover${run}`)}`, { token: bob.token, headers: at }),
      await ctx.call('GET', '/dreams', { token: bob.token, headers: at }),
    ];
    const hisLeaks = his.filter(leaks).length;
    const passed = taken.status === 404 && edit.status === 200 && hers.status === 200 && hers.json?.title === title && his[0]!.status === 404 && his[1]!.status === 404 && hisLeaks === 0;
    return { passed, actual: `import ${taken.status}, her edit ${edit.status}, her read ${hers.status}${hers.json?.title === title ? '' : ' (not her title)'}, his reads ${his.map((r) => r.status).join('/')}${hisLeaks ? `, ${hisLeaks} leak(s)` : ''}` };
  });

  await report.check(AREA, 'bob imports her dream id in upper case through a sync session', 'item 404, as for any other user', async () => {
    const session = await ctx.call('POST', '/sync-sessions', { token: bob.token, body: { items: [{ idempotencyKey: `sec-${randomUUID()}`, command: { type: 'ImportDream', data: { dream: { id: upper, title: 'Mine now' } } } }] } });
    const item = session.json?.items?.[0];
    return { passed: session.status === 200 && item?.status === 404 && !leaks(session), actual: `${session.status}, item ${item?.status}` };
  });

  await report.check(AREA, 'bob edits her dream with If-Match', '404 as for a missing dream, no revision', async () => {
    const patch = (id: string) => ctx.call('PATCH', `/dreams/${id}`, { token: bob.token, headers: { 'if-match': '"0"' }, body: { title: 'Probing revisions' } });
    const [theirs, none] = [await patch(dreamId), await patch(missing)];
    return { passed: theirs.status === 404 && none.status === 404 && sameBody(theirs, none) && !/revision/i.test(theirs.text), actual: `${theirs.status} (missing: ${none.status})${sameBody(theirs, none) ? '' : ', different bodies'}` };
  });

  await report.check(AREA, 'If-Match on a dream that does not exist', '404, not 412', async () => {
    const reply = await ctx.call('PATCH', `/dreams/${missing}`, { token: alice.token, headers: { 'if-match': '"0"' }, body: { title: 'Nothing here' } });
    return statusIs(reply.status, 404);
  });

  await report.check(AREA, 'bob imports her existing id', '404 as for a missing dream, not 409 dream_exists', async () => {
    const taken = await ctx.call('POST', '/dreams/import', { token: bob.token, body: { dream: { id: dreamId, title: 'Probing ids' } } });
    const none = await ctx.call('PATCH', `/dreams/${missing}`, { token: bob.token, body: { title: 'Probing ids' } });
    return { passed: taken.status === 404 && sameBody(taken, none) && !leaks(taken), actual: `${taken.status} ${taken.json?.error?.code ?? ''}${sameBody(taken, none) ? '' : ', body differs from a missing dream'}` };
  });

  for (const [name, sub] of [['NUL', `mallory\u0000${run}`], ['a lone surrogate', `mallory\ud800${run}`]] as const) {
    await report.check(AREA, `a token whose subject holds ${name}`, '401', async () => {
      const token = await signToken(sub);
      const [read, write] = [await ctx.call('GET', '/dreams', { token }), await ctx.call('POST', '/dreams', { token, body: { title: 'Who am I' } })];
      return { passed: read.status === 401 && write.status === 401, actual: `read ${read.status}, write ${write.status}` };
    });
  }

  await report.check(AREA, 'admin routes naming a user id that holds NUL', '400 (API key, erasure)', async () => {
    const key = await ctx.call('POST', '/admin/api-keys', { token: ctx.admin.token, body: { userId: `mallory\u0000${run}`, name: 'probe' } });
    const erase = await ctx.call('POST', `/admin/users/${encodeURIComponent(`mallory\u0000${run}`)}/erase`, { token: ctx.admin.token });
    return { passed: key.status === 400 && erase.status === 400, actual: `API key ${key.status}, erasure ${erase.status}` };
  });
}
