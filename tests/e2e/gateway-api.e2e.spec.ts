/**
 * The gateway's HTTP API end to end: every command and query route with real signed tokens,
 * through the command service, the event store, the relay, the broker and the projectors.
 */
import { expect } from 'chai';
import { Api, aCapture, gatewaySystem, uniqueUser, type Reply } from './gateway-system.js';

describe('e2e: the HTTP API', function () {
  this.timeout(120_000);
  let api: Api;
  let alice: string;
  let bob: string;
  let integration: string;
  let auditor: string;

  before(async function () {
    this.timeout(180_000);
    const system = await gatewaySystem();
    api = new Api(system);
    alice = await system.token(uniqueUser('alice'));
    bob = await system.token(uniqueUser('bob'));
    integration = await system.token('pipelineos', ['integration']);
    auditor = await system.token(uniqueUser('audrey'), ['auditor']);
  });

  describe("a dream's life", () => {
    let dreamId: string;
    let fragmentId: string;
    let last: string;
    const advance = (reply: Reply): Reply => {
      expect(reply.status, reply.text).to.be.oneOf([200, 201]);
      last = reply.body.position;
      return reply;
    };

    it('captures a conversation, and reads it back at once (read-your-writes)', async () => {
      const capture = advance(await api.call('POST', '/conversations/capture', { token: alice, body: aCapture() }));
      expect(capture.status).to.equal(201);
      dreamId = capture.body.dreamId;
      fragmentId = capture.body.fragmentId;
      expect(capture.headers.get('etag')).to.equal(`"${capture.body.revision}"`);

      const detail = await api.read(`/dreams/${dreamId}`, alice, last);
      expect(detail.status).to.equal(200);
      expect(detail.headers.get('x-stale')).to.equal(null);
      expect(BigInt(detail.headers.get('x-projection-position')!) >= BigInt(last)).to.equal(true);
      expect(detail.body).to.include({ id: dreamId, title: 'Offline-first habit tracker', brand: 'bc-studio', fragmentCount: 1, revision: '1' });
      expect(detail.headers.get('etag')).to.equal('"1"');
      expect(detail.body.fragments).to.have.length(1);
      // Children carry the ids that commands and their paths use.
      expect(detail.body.fragments[0]).to.include({ fragmentId, title: 'Streak logic', source: 'chatgpt', url: 'https://chat.openai.com/c/streaks' });
      expect(detail.body).to.include({ implementation: null });
      expect(detail.body.sync).to.deep.equal({ status: 'unsynced', pipelineosProjectId: null, syncedAt: null, lastFailure: null, failureCount: 0 });
    });

    it('lists it, filtered by brand, status, tag and text, and by the brand route', async () => {
      for (const query of ['', '?brand=bc-studio', '?status=idea', '?tag=habits', '?q=habit', '?limit=5']) {
        const list = await api.read(`/dreams${query}`, alice, last);
        expect(list.status, query).to.equal(200);
        expect(list.body.items.map((item: { id: string }) => item.id), query).to.include(dreamId);
      }
      const other = await api.read('/dreams?brand=personal', alice, last);
      expect(other.body.items.map((item: { id: string }) => item.id)).to.not.include(dreamId);
      const byBrand = await api.read('/dreams/brand/bc-studio', alice, last);
      expect(byBrand.body.items[0]).to.include({ id: dreamId, fragmentCount: 1, todoCount: 0, synced: false });
      expect((await api.call('GET', '/dreams/brand/unknown-brand', { token: alice })).status).to.equal(404);
      expect((await api.call('GET', '/dreams?status=sleeping&limit=0', { token: alice })).body.error.details.violations).to.have.length(2);
    });

    it('pages through the list with cursors', async () => {
      advance(await api.call('POST', '/dreams', { token: alice, body: { title: 'A second dream', tags: ['habits'] } }));
      const first = await api.read('/dreams?limit=1', alice, last);
      expect(first.body.items).to.have.length(1);
      expect(first.body.nextCursor).to.be.a('string');
      const second = await api.call('GET', `/dreams?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: alice });
      expect(second.body.items).to.have.length(1);
      expect(second.body.items[0].id).to.not.equal(first.body.items[0].id);
      expect((await api.call('GET', '/dreams?cursor=not-a-cursor', { token: alice })).status).to.equal(400);
    });

    it('changes details, status and tags', async () => {
      advance(await api.call('PATCH', `/dreams/${dreamId}`, { token: alice, body: { title: 'Habit tracker with coaching', summary: 'MVP on iOS' } }));
      advance(await api.call('PUT', `/dreams/${dreamId}/status`, { token: alice, body: { status: 'in_progress' } }));
      advance(await api.call('PUT', `/dreams/${dreamId}/tags`, { token: alice, body: { tags: ['mobile', 'coaching'] } }));
      const detail = await api.read(`/dreams/${dreamId}`, alice, last);
      expect(detail.body).to.include({ title: 'Habit tracker with coaching', summary: 'MVP on iOS', status: 'in_progress' });
      expect(detail.body.tags).to.deep.equal(['mobile', 'coaching']);
    });

    it('adds, edits and removes fragments', async () => {
      const added = advance(await api.call('POST', `/dreams/${dreamId}/fragments`, { token: alice, body: { title: 'Coaching', content: 'Weekly AI summary', source: 'claude' } }));
      advance(await api.call('PATCH', `/dreams/${dreamId}/fragments/${fragmentId}`, { token: alice, body: { title: 'Streaks, revised' } }));
      advance(await api.call('DELETE', `/dreams/${dreamId}/fragments/${added.body.fragmentId}`, { token: alice }));
      const detail = await api.read(`/dreams/${dreamId}`, alice, last);
      expect(detail.body.fragments.map((f: { title: string }) => f.title)).to.deep.equal(['Streaks, revised']);
    });

    it('adds, changes, completes, replaces and removes todos; statistics follow', async () => {
      const first = advance(await api.call('POST', `/dreams/${dreamId}/todos`, { token: alice, body: { title: 'Design the check-in table', priority: 'high' } }));
      const second = advance(await api.call('POST', `/dreams/${dreamId}/todos`, { token: alice, body: { title: 'Sync protocol' } }));
      advance(await api.call('PATCH', `/dreams/${dreamId}/todos/${first.body.todoId}`, { token: alice, body: { status: 'completed' } }));
      advance(await api.call('DELETE', `/dreams/${dreamId}/todos/${second.body.todoId}`, { token: alice }));
      const stats = await api.read(`/dreams/${dreamId}/statistics`, alice, last);
      expect(stats.body).to.deep.equal({ fragmentCount: 1, todoCount: 1, completedTodos: 1, documentCount: 0, completionPercentage: 100 });
      const replaced = advance(await api.call('PUT', `/dreams/${dreamId}/todos`, { token: alice, body: { todos: [{ todoId: first.body.todoId, title: 'Design the check-in table' }, { title: 'Weekly summary' }] } }));
      const detail = await api.read(`/dreams/${dreamId}`, alice, last);
      expect(detail.body.todos.map((t: { todoId: string; title: string }) => [t.todoId, t.title])).to.deep.equal([
        [first.body.todoId, 'Design the check-in table'],
        [replaced.body.todoIds[1], 'Weekly summary'],
      ]);
      expect(detail.body.todos[0]).to.include({ status: 'completed', description: null });
      expect(detail.body.todos[0].completedAt).to.be.a('string');
    });

    it('attaches a document, requests an implementation, and takes the reports of an integration', async () => {
      advance(await api.call('POST', `/dreams/${dreamId}/documents`, { token: alice, body: { title: 'Brief', fileName: 'brief.pdf', fileType: 'application/pdf', size: 1234 } }));
      advance(await api.call('POST', `/dreams/${dreamId}/implement`, { token: alice, body: { notes: 'iOS first' } }));
      advance(await api.call('POST', `/dreams/${dreamId}/sync`, { token: integration, body: { status: 'synced', pipelineosProjectId: 'pos-1' } }));
      advance(await api.call('POST', `/dreams/${dreamId}/implementation`, { token: integration, body: { pipelineosProjectId: 'pos-1', ticketsCreated: 3, agentsAssigned: ['backend-agent'] } }));
      const detail = await api.read(`/dreams/${dreamId}`, alice, last);
      expect(detail.body).to.include({ documentCount: 1, synced: true, pipelineosProjectId: 'pos-1' });
      expect(detail.body.implementation).to.include({ status: 'completed', ticketsCreated: 3 });
      expect(detail.body.sync).to.include({ status: 'synced', pipelineosProjectId: 'pos-1', failureCount: 0 });
      expect(detail.body.documents[0]).to.include({ title: 'Brief', fileName: 'brief.pdf', size: 1234 }).and.have.property('documentId').that.is.a('string');
      const status = await api.read('/sync/status', alice, last);
      expect(status.body).to.include({ totalDreams: 2, syncedDreams: 1, unsyncedDreams: 1 });
      expect(status.body.lastSync).to.be.a('string');
    });

    it('serves the history from the event store, in order, with who did what', async () => {
      const history = await api.call('GET', `/dreams/${dreamId}/history`, { token: alice });
      expect(history.status).to.equal(200);
      const types = history.body.items.map((e: { type: string }) => e.type);
      expect(types.slice(0, 2)).to.deep.equal(['DreamCreated', 'FragmentCaptured']);
      expect(types).to.include.members(['DreamSynced', 'ImplementationCompleted', 'DocumentAttached']);
      expect(history.body.items.map((e: { revision: string }) => e.revision)).to.deep.equal(types.map((_: string, i: number) => String(i)));
      expect(history.body.items.find((e: { type: string }) => e.type === 'DreamSynced').metadata.userId).to.equal('pipelineos');
      const page = await api.call('GET', `/dreams/${dreamId}/history?limit=2`, { token: alice });
      expect(page.body.items).to.have.length(2);
      const rest = await api.call('GET', `/dreams/${dreamId}/history?limit=2&cursor=${encodeURIComponent(page.body.nextCursor)}`, { token: alice });
      expect(rest.body.items.map((e: { revision: string }) => e.revision)).to.deep.equal(['2', '3']);
    });

    it("serves the caller's activity, search, brands and tags", async () => {
      const activity = await api.read('/me/activity', alice, last);
      expect(activity.body).to.include({ dreamCount: 2, fragmentCount: 1, todoCount: 2, completedTodos: 1 });
      expect(activity.body.lastCapture).to.be.a('string');
      const search = await api.read('/search?q=streaks', alice, last);
      const hit = search.body.items.find((item: { id: string }) => item.id === dreamId);
      expect(hit).to.include({ matchedIn: 'fragment', fragmentId, matchingFragments: 1 });
      expect(hit.snippet).to.match(/<mark>Streak/i);
      expect((await api.call('GET', '/search', { token: alice })).status).to.equal(400);
      const brands = await api.read('/brands', alice, last);
      expect(brands.body.items.map((b: { id: string }) => b.id)).to.deep.equal(['personal', 'bc-innovations', 'bc-studio', 'mpgworldwide', 'accordingto']);
      expect(brands.body.items.find((b: { id: string }) => b.id === 'bc-studio')).to.deep.equal({ id: 'bc-studio', name: 'BC Studio', color: '#F97316', dreamCount: 1 });
      const tags = await api.read('/tags', alice, last);
      const used = tags.body.items.filter((t: { dreamCount: number }) => t.dreamCount > 0);
      expect(used.map((t: { id: string }) => t.id)).to.include.members(['mobile', 'coaching']);
      expect(used.find((t: { id: string }) => t.id === 'coaching')).to.include({ isDefault: false, color: null });
    });

    it("keeps it from everyone else: another user gets 404 and none of its data", async () => {
      for (const path of [`/dreams/${dreamId}`, `/dreams/${dreamId}/statistics`, `/dreams/${dreamId}/history`]) {
        const reply = await api.read(path, bob, last);
        expect(reply.status, path).to.equal(404);
        expect(reply.text, path).to.not.contain('Habit tracker');
      }
      expect((await api.read('/dreams', bob, last)).body.items).to.deep.equal([]);
      expect((await api.read('/search?q=streaks', bob, last)).body.items).to.deep.equal([]);
      expect((await api.read('/sync/status', bob, last)).body).to.include({ totalDreams: 0 });
      const write = await api.call('PATCH', `/dreams/${dreamId}`, { token: bob, body: { title: 'Mine now' } });
      expect(write.status).to.equal(404);
      expect((await api.call('POST', `/dreams/${dreamId}/fragments`, { token: bob, body: { title: 't', content: 'c', source: 'claude' } })).status).to.equal(404);
    });

    it('lets auditors read the history of every dream, and only auditors', async () => {
      const all = await api.call('GET', '/audit/events?limit=1000', { token: auditor });
      expect(all.status).to.equal(200);
      expect(all.body.items.some((e: { streamId: string }) => e.streamId === `dream-${dreamId}`)).to.equal(true);
      const positions = all.body.items.map((e: { position: string }) => BigInt(e.position));
      expect(positions).to.deep.equal([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      const next = await api.call('GET', `/audit/events?from=${all.body.items[0].position}&limit=1`, { token: auditor });
      expect(next.body.items[0].position).to.equal(all.body.items[1].position);
      const events = await api.call('GET', `/audit/dreams/${dreamId}/events`, { token: auditor });
      expect(events.body.items[0]).to.include({ type: 'DreamCreated', revision: '0' });
      const state = await api.call('GET', `/audit/dreams/${dreamId}/state?revision=1`, { token: auditor });
      expect(state.body).to.include({ dreamId, revision: '1' });
      expect(state.body.state).to.include({ title: 'Offline-first habit tracker' });
      expect(state.body.state.fragments).to.have.length(1);
      // Before its first event the dream did not exist: 404, not a made-up revision.
      expect((await api.call('GET', `/audit/dreams/${dreamId}/state?at=2000-01-01T00:00:00Z`, { token: auditor })).status).to.equal(404);
      for (const path of ['/audit/events', `/audit/dreams/${dreamId}/events`]) expect((await api.call('GET', path, { token: alice })).status, path).to.equal(403);
      expect((await api.call('POST', `/dreams/${dreamId}/todos`, { token: auditor, body: { title: 'Auditors do not write' } })).status).to.equal(403);
    });

    it('deletes it', async () => {
      advance(await api.call('DELETE', `/dreams/${dreamId}`, { token: alice }));
      expect((await api.read(`/dreams/${dreamId}`, alice, last)).status).to.equal(404);
      expect((await api.read('/dreams', alice, last)).body.items.map((item: { id: string }) => item.id)).to.not.include(dreamId);
    });
  });

  describe('imports and the rest', () => {
    it('imports a dream with its fragments and todos, also through the route existing extensions use', async () => {
      for (const path of ['/dreams/import', '/dreamcatcher/import']) {
        const reply = await api.call('POST', path, {
          token: alice,
          body: { dream: { title: `Imported through ${path}`, status: 'in_progress', tags: ['imported'], fragments: [{ title: 'F', content: 'C', source: 'gemini' }], todos: [{ title: 'T', status: 'completed' }] } },
        });
        expect(reply.status, reply.text).to.equal(201);
        const detail = await api.read(`/dreams/${reply.body.dreamId}`, alice, reply.body.position);
        expect(detail.body).to.include({ title: `Imported through ${path}`, status: 'in_progress', fragmentCount: 1, todoCount: 1, completedTodos: 1 });
      }
    });

    it('serves its OpenAPI document, and verifies the history of a dream for auditors', async () => {
      const document = await api.call('GET', '/openapi.json');
      expect(document.status).to.equal(200);
      expect(document.body.paths).to.have.property('/api/v1/dreams/{id}');
      const created = await api.call('POST', '/dreams', { token: alice, body: { title: 'A dream to verify' } });
      const verify = await api.call('GET', `/audit/dreams/${created.body.dreamId}/verify`, { token: auditor });
      expect(verify.body).to.include({ dreamId: created.body.dreamId, intact: true, eventCount: 1, headRevision: '0' });
      expect((await api.call('GET', '/audit/dreams/3f6c2a1e-8b4d-4c7a-9e21-5d0f7b8a9c14/verify', { token: auditor })).status).to.equal(404);
    });
  });

  describe('the rules of commands', () => {
    it('lists every violation of an invalid command, located by JSON Pointer', async () => {
      const reply = await api.call('POST', '/dreams', { token: alice, body: { title: 'x', brand: 'acme', tags: [''], status: 'dreaming', colour: 'blue' } });
      expect(reply.status).to.equal(400);
      expect(reply.body.error.code).to.equal('validation_failed');
      const paths = reply.body.error.details.violations.map((v: { path: string }) => v.path);
      expect(paths).to.include.members(['/title', '/brand', '/tags/0', '/status', '/colour']);
    });

    it('answers a retry with the same Idempotency-Key with the first answer and writes nothing', async () => {
      const headers = { 'idempotency-key': `e2e-${uniqueUser('key')}` };
      const first = await api.call('POST', '/conversations/capture', { token: alice, body: aCapture({ dreamTitle: 'Idempotent dream' }), headers });
      const retry = await api.call('POST', '/conversations/capture', { token: alice, body: aCapture({ dreamTitle: 'Idempotent dream' }), headers });
      expect(retry.status).to.equal(first.status);
      expect(retry.body).to.deep.equal(first.body);
      expect(retry.headers.get('idempotent-replayed')).to.equal('true');
      const history = await api.call('GET', `/dreams/${first.body.dreamId}/history`, { token: alice });
      expect(history.body.items).to.have.length(2);
      const list = await api.read('/dreams?q=idempotent', alice, first.body.position);
      expect(list.body.items.filter((item: { title: string }) => item.title === 'Idempotent dream')).to.have.length(1);
    });

    it('fails a stale edit with 412', async () => {
      const created = await api.call('POST', '/dreams', { token: alice, body: { title: 'Concurrent edits' } });
      const etag = created.headers.get('etag')!;
      const mine = await api.call('PATCH', `/dreams/${created.body.dreamId}`, { token: alice, body: { title: 'My edit' }, headers: { 'if-match': etag } });
      expect(mine.status).to.equal(200);
      const theirs = await api.call('PATCH', `/dreams/${created.body.dreamId}`, { token: alice, body: { title: 'Their edit' }, headers: { 'if-match': etag } });
      expect(theirs.status).to.equal(412);
      const detail = await api.read(`/dreams/${created.body.dreamId}`, alice, mine.body.position);
      expect(detail.body.title).to.equal('My edit');
    });

    it('runs a sync session item by item, and a retried session repeats nothing', async () => {
      const session = {
        items: [
          { idempotencyKey: `${uniqueUser('s')}-1`, command: { type: 'CaptureFragment', data: aCapture({ dreamTitle: 'Captured offline' }) } },
          { idempotencyKey: `${uniqueUser('s')}-2`, command: { type: 'AddTodo', data: { dreamId: '3f6c2a1e-8b4d-4c7a-9e21-5d0f7b8a9c14', title: 'Lost dream' } } },
        ],
      };
      const first = await api.call('POST', '/sync-sessions', { token: alice, body: session });
      expect(first.status).to.equal(200);
      expect(first.body.items.map((item: { status: number }) => item.status)).to.deep.equal([201, 404]);
      expect(first.body.items[0]).to.include({ replayed: false }).and.have.nested.property('answer.dreamId');
      expect(first.body.items[1]).to.nested.include({ replayed: false, 'error.code': 'not_found' });
      const again = await api.call('POST', '/sync-sessions', { token: alice, body: session });
      expect(again.body.items[0]).to.deep.equal({ ...first.body.items[0], replayed: true });
    });

    it('waits at most the read-your-writes timeout and says when the answer is stale', async () => {
      const far = (2n ** 62n).toString();
      const started = Date.now();
      const reply = await api.read('/sync/status', alice, far);
      expect(reply.status).to.equal(200);
      expect(reply.headers.get('x-stale')).to.equal('true');
      expect(BigInt(reply.headers.get('x-projection-position')!) < BigInt(far)).to.equal(true);
      expect(Date.now() - started).to.be.within(4_500, 9_000);
      expect((await api.call('GET', '/dreams', { token: alice, headers: { 'x-min-position': 'soon' } })).status).to.equal(400);
    });
  });
});
