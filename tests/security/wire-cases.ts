/**
 * The extension's legacy import and capture: its upsert keys (local ids, dream names) are
 * the caller's own, so another user's ids or names reach only the caller's own dreams, and
 * no malformed body gets past a 4xx.
 */
import type { SecurityContext } from './context.js';
import { statusIs } from './report.js';

const AREA = "the extension's import and capture";

export async function wireCases(ctx: SecurityContext): Promise<void> {
  const { report, alice, bob } = ctx;
  const localId = `dream_${Date.now()}`;
  const dream = (title: string) => ({ dream: { id: localId, title, status: 'idea', fragments: [{ id: 'fragment_1', title: 't', content: 'c', source: 'chatgpt', codeSnippets: ['x'] }] } });
  const aliceImport = await ctx.call('POST', '/dreamcatcher/import', { token: alice.token, body: dream('Alice private') });

  await report.check(AREA, "bob re-posts alice's local dream id", "a new dream of bob's; alice's untouched", async () => {
    const bobs = await ctx.call('POST', '/dreamcatcher/import', { token: bob.token, body: dream('Bob overwrites') });
    const after = await ctx.call('GET', `/dreams/${aliceImport.json.dream_id}`, { token: alice.token, headers: { 'x-min-position': String(bobs.json.position ?? '0') } });
    const passed = aliceImport.status === 201 && bobs.status === 201 && bobs.json.dream_id !== aliceImport.json.dream_id && after.status === 200 && after.json.title === 'Alice private';
    return { passed, actual: `${aliceImport.status}, ${bobs.status}, ${bobs.json.dream_id === aliceImport.json.dream_id ? 'same dream' : 'own dream'}` };
  });
  await report.check(AREA, "bob captures by the name of alice's dream", "bob's own dream", async () => {
    const captured = await ctx.call('POST', '/conversations/capture', { token: bob.token, body: { dreamName: alice.title, fragmentTitle: 'x', content: 'y', source: 'claude', mode: 'all' } });
    return { passed: captured.status === 201 && captured.json.dream_id !== alice.dreamId, actual: `${captured.status} ${captured.json.dream_id === alice.dreamId ? "alice's dream" : 'own dream'}` };
  });
  await report.check(AREA, 'an upsert import whose local fragment ids do not match its fragments', '400', async () => {
    const body = { dream: { title: 'x', fragments: [{ title: 't', content: 'c', source: 'claude' }] }, origin: { client: 'extension', localId: 'dream_2' }, localFragmentIds: [] };
    return statusIs((await ctx.call('POST', '/dreamcatcher/import', { token: bob.token, body })).status, 400);
  });
  const garbage: [string, unknown][] = [
    ['a dream that is a list', { dream: [] }],
    ['a fragment id that is an object', { dream: { id: 'dream_3', title: 't', fragments: [{ id: {}, title: 't', content: 'c', source: 's' }] } }],
    ['a capture with a null name', { dreamName: null, fragmentTitle: 't', content: 'c', source: 's' }],
    ['a capture naming both a dream id and a name', { dreamName: 'n', dreamId: alice.dreamId, fragment: { title: 't', content: 'c', source: 's' } }],
  ];
  for (const [name, body] of garbage) {
    const path = 'dreamName' in (body as object) ? '/conversations/capture' : '/dreamcatcher/import';
    await report.check(AREA, name, '400 or 404', async () => statusIs((await ctx.call('POST', path, { token: bob.token, body })).status, 400, 404));
  }
}
