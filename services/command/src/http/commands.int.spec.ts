import { expect } from 'chai';
import { fragmentInput, useCommandService } from '../testing/command-service-fixture.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('command service: commands over HTTP', () => {
  const service = useCommandService();

  describe('capture', () => {
    it('creates a dream with the first capture, then captures into it', async () => {
      const first = await service.post('CaptureFragment', { dreamTitle: 'Habit tracker', tags: ['health'], fragment: fragmentInput() });
      expect(first.status).to.equal(201);
      expect(first.body.dreamId).to.match(UUID);
      expect(first.body.fragmentId).to.match(UUID);
      expect(first.body).to.include({ revision: '1' });
      expect(first.body.position).to.match(/^[0-9]+$/);
      expect(first.body.events.map((e: { type: string }) => e.type)).to.deep.equal(['DreamCreated', 'FragmentCaptured']);
      expect(first.body.events.map((e: { revision: string }) => e.revision)).to.deep.equal(['0', '1']);
      expect(first.headers.get('etag')).to.equal('"1"');
      expect(first.headers.get('x-correlation-id')).to.match(UUID);
      expect(first.headers.get('idempotent-replayed')).to.equal(null);

      const second = await service.post('CaptureFragment', { dreamId: first.body.dreamId, fragment: fragmentInput('Streak rules') });
      expect(second.status).to.equal(200);
      expect(second.body).to.include({ dreamId: first.body.dreamId, revision: '2' });
      expect(BigInt(second.body.position) > BigInt(first.body.position)).to.equal(true);

      const events = await service.events(first.body.dreamId);
      expect(events.map((e) => e.type)).to.deep.equal(['DreamCreated', 'FragmentCaptured', 'FragmentCaptured']);
      expect(events[0]!.data).to.include({ title: 'Habit tracker', ownerId: 'user-1' });
      expect((events[2]!.data as { fragment: { fragmentId: string } }).fragment.fragmentId).to.equal(second.body.fragmentId);
      expect(events.map((e) => e.id)).to.deep.equal([...first.body.events, ...second.body.events].map((e: { eventId: string }) => e.eventId));
    });

    it('answers 404 for a capture into a dream that does not exist', async () => {
      const answer = await service.post('CaptureFragment', { dreamId: '3f0e9d3c-7a51-4c2e-9a0b-1d2c3e4f5a6b', fragment: fragmentInput() });
      expect(answer.status).to.equal(404);
      expect(answer.body.error.code).to.equal('not_found');
    });
  });

  describe('import', () => {
    it('imports a dream with its fragments and todos in one event', async () => {
      const answer = await service.post('ImportDream', {
        dream: {
          title: 'Imported dream',
          status: 'in_progress',
          tags: ['imported'],
          fragments: [fragmentInput('One'), fragmentInput('Two', { source: 'claude' })],
          todos: [{ title: 'First todo' }, { title: 'Second todo', priority: 'high', status: 'completed' }],
        },
      });
      expect(answer.status).to.equal(201);
      expect(answer.body.fragmentIds).to.have.length(2);
      expect(answer.body.todoIds).to.have.length(2);
      expect(answer.body.events.map((e: { type: string }) => e.type)).to.deep.equal(['DreamImported']);
      expect(answer.body.revision).to.equal('0');

      const [imported] = await service.events(answer.body.dreamId);
      const data = imported!.data as { fragments: { fragmentId: string }[]; todos: { todoId: string; status: string }[]; status: string };
      expect(data.status).to.equal('in_progress');
      expect(data.fragments.map((f) => f.fragmentId)).to.deep.equal(answer.body.fragmentIds);
      expect(data.todos.map((t) => t.todoId)).to.deep.equal(answer.body.todoIds);
      expect(data.todos[1]!.status).to.equal('completed');
    });

    it('imports under the id the caller chose, and refuses that id a second time with 409', async () => {
      const id = '5a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
      const first = await service.post('ImportDream', { dream: { id, title: 'Chosen id' } });
      expect(first.status).to.equal(201);
      expect(first.body.dreamId).to.equal(id);
      const again = await service.post('ImportDream', { dream: { id, title: 'Chosen id' } });
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('dream_exists');
    });

    it("takes a chosen id in any case as the one dream: upper case is the owner's 409 and another user's 404", async () => {
      const id = '7b2e3d4c-5f60-4b7c-8d9e-0f1a2b3c4d5e';
      const first = await service.post('ImportDream', { dream: { id: id.toUpperCase(), title: 'Shouted id' } });
      expect(first.status).to.equal(201);
      expect(first.body.dreamId).to.equal(id);
      expect((await service.events(id)).map((e) => e.type)).to.deep.equal(['DreamImported']);
      const mine = await service.post('ImportDream', { dream: { id: id.toUpperCase(), title: 'Shouted id' } });
      expect(mine.status).to.equal(409);
      const theirs = await service.post('ImportDream', { dream: { id: id.toUpperCase(), title: 'Taken over' } }, { userId: 'user-2' });
      expect(theirs.status).to.equal(404);
      const edit = await service.post('ChangeDreamDetails', { dreamId: id.toUpperCase(), summary: 'edited in upper case' });
      expect(edit.status).to.equal(200);
      expect(edit.body.dreamId).to.equal(id);
    });

    it('refuses a user id that is not storable text (NUL, a lone surrogate), writing nothing', async () => {
      for (const userId of ['mallory\u0000', 'mallory\ud800']) {
        const answer = await service.post('CreateDream', { title: 'Who am I' }, { userId });
        expect(answer.status, JSON.stringify(userId)).to.equal(400);
        expect(answer.body.error.details.violations.map((d: { path: string }) => d.path)).to.include('/metadata/userId');
      }
    });
  });

  describe('edits', () => {
    let dreamId: string;
    before(async () => {
      dreamId = (await service.post('CreateDream', { title: 'A dream to edit' })).body.dreamId;
    });

    it('changes details, status, brand and tags', async () => {
      const details = await service.post('ChangeDreamDetails', { dreamId, title: 'A better title', summary: 'Short', brand: 'bc-studio' });
      expect(details.status).to.equal(200);
      expect(details.body.events.map((e: { type: string }) => e.type)).to.have.members(['DreamDetailsChanged', 'DreamBrandChanged']);
      const status = await service.post('ChangeDreamStatus', { dreamId, status: 'in_progress' });
      expect(status.body.events[0].type).to.equal('DreamStatusChanged');
      const tags = await service.post('SetDreamTags', { dreamId, tags: ['a', 'b'] });
      expect(tags.body.events.map((e: { type: string }) => e.type)).to.deep.equal(['DreamTagged']);
      const retag = await service.post('SetDreamTags', { dreamId, tags: ['b', 'c'] });
      expect(retag.body.events.map((e: { type: string }) => e.type)).to.have.members(['DreamTagged', 'DreamUntagged']);
      expect(retag.body.revision).to.equal('6');
    });

    it('answers a command that changes nothing with 200 and the current revision', async () => {
      const current = await service.events(dreamId);
      const answer = await service.post('ChangeDreamStatus', { dreamId, status: 'in_progress' });
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({ dreamId, revision: current.at(-1)!.revision.toString(), position: current.at(-1)!.position.toString(), events: [] });
      expect(answer.headers.get('etag')).to.equal(`"${current.at(-1)!.revision}"`);
      expect(await service.events(dreamId)).to.have.length(current.length);
    });

    it('adds, changes, completes, replaces and removes todos', async () => {
      const added = await service.post('AddTodo', { dreamId, title: 'Write the spec', priority: 'high' });
      expect(added.status).to.equal(200);
      const { todoId } = added.body;
      expect(todoId).to.match(UUID);
      const changed = await service.post('ChangeTodo', { dreamId, todoId, title: 'Write the specs', status: 'completed' });
      expect(changed.body.events.map((e: { type: string }) => e.type)).to.deep.equal(['TodoChanged', 'TodoCompleted']);

      const replaced = await service.post('ReplaceTodos', { dreamId, todos: [{ todoId, title: 'Write the specs' }, { title: 'Ship it' }] });
      expect(replaced.status).to.equal(200);
      expect(replaced.body.todoIds).to.have.length(2);
      expect(replaced.body.todoIds[0]).to.equal(todoId);
      const newTodo = replaced.body.todoIds[1];
      expect(replaced.body.events.map((e: { type: string }) => e.type)).to.include('TodoAdded');

      const removed = await service.post('RemoveTodo', { dreamId, todoId: newTodo });
      expect(removed.body.events.map((e: { type: string }) => e.type)).to.deep.equal(['TodoRemoved']);
      const missing = await service.post('CompleteTodo', { dreamId, todoId: newTodo });
      expect(missing.status).to.equal(404);
      const stale = await service.post('ReplaceTodos', { dreamId, todos: [{ todoId: newTodo, title: 'Ship it' }] });
      expect(stale.status).to.equal(404);
    });

    it('adds, edits and removes fragments, and attaches documents', async () => {
      const added = await service.post('AddFragment', { dreamId, ...fragmentInput('Extra') });
      const { fragmentId } = added.body;
      expect(fragmentId).to.match(UUID);
      const edited = await service.post('EditFragment', { dreamId, fragmentId, title: 'Extra, edited' });
      expect(edited.body.events.map((e: { type: string }) => e.type)).to.deep.equal(['FragmentEdited']);
      const removed = await service.post('RemoveFragment', { dreamId, fragmentId });
      expect(removed.body.events.map((e: { type: string }) => e.type)).to.deep.equal(['FragmentRemoved']);
      const document = await service.post('AttachDocument', { dreamId, title: 'Spec', fileName: 'spec.pdf', fileType: 'application/pdf', size: 1024 });
      expect(document.body.documentId).to.match(UUID);
      const [attached] = (await service.events(dreamId)).slice(-1);
      expect(attached!.data).to.deep.include({ document: { documentId: document.body.documentId, title: 'Spec', fileName: 'spec.pdf', fileType: 'application/pdf', size: 1024 } });
    });

    it("answers 404 for another user's dream, and lets the integration role report back", async () => {
      const foreign = await service.post('ChangeDreamStatus', { dreamId, status: 'completed' }, { userId: 'user-2' });
      expect(foreign.status).to.equal(404);
      const report = await service.post('ReportSync', { dreamId, status: 'synced', pipelineosProjectId: 'proj-1' }, { userId: 'pipelineos', roles: ['integration'] });
      expect(report.status).to.equal(200);
      expect(report.body.events[0].type).to.equal('DreamSynced');
    });

    it('deletes a dream, after which it is not found', async () => {
      const deleted = await service.post('DeleteDream', { dreamId });
      expect(deleted.body.events[0].type).to.equal('DreamDeleted');
      expect((await service.post('AddTodo', { dreamId, title: 'Too late' })).status).to.equal(404);
    });
  });

  describe('bad input', () => {
    it('answers 400 listing every violation of the data', async () => {
      const answer = await service.post('CreateDream', { title: 'x', brand: 'nope', extra: true });
      expect(answer.status).to.equal(400);
      expect(answer.body.error.code).to.equal('validation_failed');
      const paths = answer.body.error.details.violations.map((v: { path: string }) => v.path);
      expect(paths).to.include.members(['/title', '/brand']);
      expect(paths.length).to.be.at.least(3);
    });

    it('answers 400 for a malformed request envelope', async () => {
      const noMetadata = await service.request('/commands/CreateDream', {
        method: 'POST',
        headers: { authorization: 'Bearer test-command-service-token', 'content-type': 'application/json' },
        body: JSON.stringify({ data: { title: 'Fine title' } }),
      });
      expect(noMetadata.status).to.equal(400);
      expect(noMetadata.body.error.details.violations[0].path).to.equal('/metadata');
      const badRevision = await service.post('CreateDream', { title: 'Fine title' }, { expectedRevision: 'abc', idempotencyKey: '' });
      expect(badRevision.status).to.equal(400);
      expect(badRevision.body.error.details.violations.map((v: { path: string }) => v.path)).to.have.members(['/expectedRevision', '/idempotencyKey']);
    });

    it('answers 400 for a body that is not JSON or not an object, never 500', async () => {
      const auth = { authorization: 'Bearer test-command-service-token', 'content-type': 'application/json' };
      const invalid = await service.request('/commands/CreateDream', { method: 'POST', headers: auth, body: '{"data":' });
      expect(invalid.status).to.equal(400);
      const array = await service.request('/commands/CreateDream', { method: 'POST', headers: auth, body: '[1,2]' });
      expect(array.status).to.equal(400);
      const stringData = await service.post('AddTodo', 'not an object');
      expect(stringData.status).to.equal(400);
    });

    it('answers 404 for an unknown command type or path', async () => {
      const unknown = await service.post('LaunchRocket', {});
      expect(unknown.status).to.equal(404);
      expect(unknown.body.error.code).to.equal('unknown_command');
      const path = await service.request('/nowhere', { method: 'POST', headers: { authorization: 'Bearer test-command-service-token' } });
      expect(path.status).to.equal(404);
    });

    it('answers 413 for a body over the limit', async () => {
      const huge = 'x'.repeat(11 * 1024 * 1024);
      const answer = await service.post('CreateDream', { title: 'Big', description: huge });
      expect(answer.status).to.equal(413);
    });
  });
});
