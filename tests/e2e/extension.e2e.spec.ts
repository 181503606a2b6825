/**
 * The extension as it is: its own payloads (local ids such as `dream_1732000000000`,
 * plain-string code snippets, its statuses), sent with `Authorization: Bearer <apiKey>`
 * and a key the user made, to import (an upsert) and capture by dream name.
 */
import { expect } from 'chai';
import { createEventStore, type EventStore } from '@dreamcatcher/event-store';
import { connectPostgres, type Pool } from '@dreamcatcher/service-kit';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { Api, gatewaySystem, uniqueUser, type Reply } from './gateway-system.js';
import type { TestSystem } from '../support/system.js';

const localId = `dream_${Date.now()}`;
const fragment = (n: number) => ({
  id: `fragment_${1732000000000 + n}`,
  title: `Idea ${n}`,
  content: `User: what about idea ${n}?\nAssistant: Let us sketch it.`,
  source: 'chatgpt',
  url: 'https://chatgpt.com/c/abc',
  date: '2024-11-19T07:06:40.000Z',
  features: ['search'],
  codeSnippets: ['```ts\nconst x = 1;\n```', 'SELECT 1;'],
});
const extensionDream = (fragments: number) => ({
  dream: {
    id: localId,
    title: 'Recipe app',
    description: 'Plan meals from the fridge',
    status: 'in_progress',
    tags: ['food'],
    created: '2024-11-19T07:06:40.000Z',
    updated: '2024-11-19T07:06:40.000Z',
    fragments: Array.from({ length: fragments }, (_, i) => fragment(i + 1)),
    pipelineOSOptions: { createProject: true, createTickets: false, assignAgents: false },
    syncedWithPipelineOS: false,
  },
});

describe('e2e: the extension, as it sends its calls', function () {
  this.timeout(120_000);
  let system: TestSystem;
  let api: Api;
  let pool: Pool;
  let store: EventStore;
  let key: string;
  let otherKey: string;

  const bearer = (apiKey: string) => ({ authorization: `Bearer ${apiKey}` });
  const post = (path: string, body: unknown, apiKey = key): Promise<Reply> => api.call('POST', path, { body, headers: bearer(apiKey) });
  const events = async (dreamId: string) => (await store.readStream(`dream-${dreamId}`)).map((e) => e.type);

  before(async function () {
    this.timeout(240_000);
    system = await gatewaySystem();
    api = new Api(system);
    pool = await connectPostgres({ url: system.databaseUrl, max: 2 });
    store = await createEventStore({ kind: 'postgres', pool }, { migrate: false });
    const makeKey = async (user: string) => {
      const made = await api.call('POST', '/me/api-keys', { token: await system.token(user), body: { name: 'Chrome extension' } });
      expect(made.status, made.text).to.equal(201);
      return made.body.key as string;
    };
    key = await makeKey(uniqueUser('ext'));
    otherKey = await makeKey(uniqueUser('other'));
  });

  after(async () => {
    await pool?.end();
  });

  it('imports, re-syncs without duplicate events, adds just a new fragment, and reads the dream back', async () => {
    const first = await post('/dreamcatcher/import', extensionDream(2));
    expect(first.status, first.text).to.equal(201);
    expect(first.body).to.include({ success: true });
    expect(first.body.dream_id).to.equal(first.body.dreamId);
    const dreamId = first.body.dream_id as string;
    expect(await events(dreamId)).to.deep.equal(['DreamImported']);

    const again = await post('/dreamcatcher/import', extensionDream(2));
    expect(again.status, again.text).to.equal(200);
    expect(again.body).to.include({ success: true, dream_id: dreamId });
    expect(await events(dreamId)).to.deep.equal(['DreamImported']);

    const grown = await post('/dreamcatcher/import', extensionDream(3));
    expect(grown.status, grown.text).to.equal(200);
    expect(await events(dreamId)).to.deep.equal(['DreamImported', 'FragmentCaptured']);

    const read = await api.call('GET', `/dreams/${dreamId}`, { headers: { ...bearer(key), 'x-min-position': grown.body.position } });
    expect(read.status, read.text).to.equal(200);
    expect(read.body).to.include({ title: 'Recipe app', status: 'in_progress' });
    expect(read.body.fragments).to.have.length(3);
    const other = await api.call('GET', `/dreams/${dreamId}`, { headers: bearer(otherKey) });
    expect(other.status).to.equal(404);
  });

  it('maps the same local ids of two users to two dreams', async () => {
    const mine = await post('/dreamcatcher/import', { dream: { ...extensionDream(1).dream, id: `dream_${Date.now()}_shared` } });
    const theirs = await post('/dreamcatcher/import', { dream: { ...extensionDream(1).dream, id: `dream_${Date.now()}_shared` } }, otherKey);
    expect([mine.status, theirs.status]).to.deep.equal([201, 201]);
    expect(mine.body.dream_id).not.to.equal(theirs.body.dream_id);
  });

  it('lands racing captures of one dream name in one dream', async () => {
    const dreamName = `Garden planner ${Date.now()}`;
    const capture = (n: number, name: string) => ({ dreamName: name, fragmentTitle: `Bed ${n}`, content: `User: bed ${n}?`, source: 'claude', url: '', mode: 'last5' });
    const answers = await Promise.all([post('/conversations/capture', capture(1, dreamName)), post('/conversations/capture', capture(2, ` ${dreamName.toUpperCase()} `))]);
    for (const a of answers) expect(a.status, a.text).to.be.oneOf([200, 201]);
    expect(answers.map((a) => a.status).sort()).to.deep.equal([200, 201]);
    const [one, two] = answers.map((a) => a.body.dream_id);
    expect(one).to.equal(two);
    expect((await events(one)).filter((t) => t === 'FragmentCaptured')).to.have.length(2);

    // Once the projections know it, a later capture by that name finds the same dream.
    await eventually(async () => (await api.call('GET', `/dreams/${one}`, { headers: bearer(key) })).status === 200, { timeoutMs: 20_000, what: 'dream projected' });
    const later = await post('/conversations/capture', capture(3, dreamName.toLowerCase()));
    expect(later.status, later.text).to.equal(200);
    expect(later.body.dream_id).to.equal(one);
  });

  it('captures into a dream of that name the caller made another way', async () => {
    const title = `Bakery ${Date.now()}`;
    const made = await api.call('POST', '/dreams', { body: { title }, headers: bearer(key) });
    expect(made.status, made.text).to.equal(201);
    await eventually(async () => (await api.call('GET', `/dreams/${made.body.dreamId}`, { headers: bearer(key) })).status === 200, { timeoutMs: 20_000, what: 'dream projected' });
    const captured = await post('/conversations/capture', { dreamName: title.toLowerCase(), fragmentTitle: 'Sourdough', content: 'User: starter?', source: 'claude', url: 'https://claude.ai/chat/x', mode: 'all' });
    expect(captured.status, captured.text).to.equal(200);
    expect(captured.body.dream_id).to.equal(made.body.dreamId);
  });

  it('refuses malformed bodies with 400 and { success: false, error }', async () => {
    const bad: unknown[] = [
      { dream: { ...extensionDream(1).dream, status: 'done' } },
      { dream: { ...extensionDream(1).dream, fragments: [{ ...fragment(1), codeSnippets: [{ code: 'x' }] }] } },
      { dream: { ...extensionDream(1).dream, fragments: [fragment(1), fragment(1)] } },
      { dream: { ...extensionDream(1).dream, title: '' } },
      { dream: { ...extensionDream(1).dream, fragments: 'none' } },
    ];
    for (const body of bad) {
      const refused = await post('/dreamcatcher/import', body);
      expect(refused.status, `${JSON.stringify(body).slice(0, 120)} ${refused.text}`).to.equal(400);
      expect(refused.body.success).to.equal(false);
      expect(refused.body.error.code).to.equal('validation_failed');
    }
    const capture = await post('/conversations/capture', { dreamName: 'x', fragmentTitle: 'y', content: 'z', source: 'claude', mode: 'everything' });
    expect(capture.status, capture.text).to.equal(400);
    expect(capture.body.success).to.equal(false);
  });

  it('still takes our own import and capture bodies on the same paths', async () => {
    const ours = await post('/dreamcatcher/import', { dream: { title: 'Ours', fragments: [{ title: 'f', content: 'c', source: 'claude' }] } });
    expect(ours.status, ours.text).to.equal(201);
    expect(ours.body).not.to.have.property('success');
    const capture = await post('/conversations/capture', { fragment: { title: 'f', content: 'c', source: 'claude' } });
    expect(capture.status, capture.text).to.equal(201);
    expect(capture.body).not.to.have.property('success');
  });
});
