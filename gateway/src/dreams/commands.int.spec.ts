import { expect } from 'chai';
import { dreamStreamId } from '@dreamcatcher/domain';
import { aCapture, useGateway } from '../testing/gateway-fixture.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('gateway: commands', () => {
  const gw = useGateway();
  let alice: string;
  let bob: string;

  before(async () => {
    alice = await gw.token('alice');
    bob = await gw.token('bob');
  });

  it('captures a conversation into a new dream: 201, the coordinates, ETag and Location', async () => {
    const reply = await gw.call('POST', '/conversations/capture', { token: alice, body: aCapture() });
    expect(reply.status).to.equal(201);
    expect(reply.body.dreamId).to.match(UUID);
    expect(reply.body).to.include({ revision: '1' });
    expect(reply.body.position).to.match(/^\d+$/);
    expect(reply.headers.get('etag')).to.equal('"1"');
    expect(reply.headers.get('location')).to.equal(`/api/v1/dreams/${reply.body.dreamId}`);
  });

  it('carries the correlation id and trace context into the events, and echoes the correlation id', async () => {
    const reply = await gw.call('POST', '/dreams', {
      token: alice,
      body: { title: 'Traced dream' },
      headers: { 'x-correlation-id': 'corr-123', traceparent: TRACEPARENT, tracestate: 'vendor=1' },
    });
    expect(reply.status).to.equal(201);
    expect(reply.headers.get('x-correlation-id')).to.equal('corr-123');
    const [created] = await gw.store.readStream(dreamStreamId(reply.body.dreamId));
    expect(created!.metadata).to.include({ userId: 'alice', correlationId: 'corr-123', traceparent: TRACEPARENT, tracestate: 'vendor=1' });
  });

  it('lists every schema violation of a command, with JSON pointers, before the command service sees it', async () => {
    const reply = await gw.call('POST', '/conversations/capture', {
      token: alice,
      body: { brand: 'nope', tags: 'x', fragment: { title: '', source: 'Not Valid', extra: 1 } },
    });
    expect(reply.status).to.equal(400);
    expect(reply.body.error.code).to.equal('validation_failed');
    const paths = (reply.body.error.details.violations as { path: string }[]).map((v) => v.path);
    expect(paths).to.include.members(['/brand', '/tags', '/fragment/title', '/fragment/source', '/fragment/content', '/fragment/extra']);
    expect(paths.length).to.be.at.least(6);
  });

  it('validates the body merged with the path ids', async () => {
    const created = await gw.call('POST', '/dreams', { token: alice, body: { title: 'Status dream' } });
    const reply = await gw.call('PUT', `/dreams/${created.body.dreamId}/status`, { token: alice, body: { status: 'sleeping' } });
    expect(reply.status).to.equal(400);
    expect(reply.body.error.details.violations.map((v: { path: string }) => v.path)).to.deep.equal(['/status']);
    const ok = await gw.call('PUT', `/dreams/${created.body.dreamId}/status`, { token: alice, body: { status: 'in_progress' } });
    expect(ok.status).to.equal(200);
    expect(ok.body).to.include({ dreamId: created.body.dreamId, revision: '1' });
  });

  it('needs credentials (401) and the right role (403)', async () => {
    expect((await gw.call('POST', '/dreams', { body: { title: 'No token' } })).status).to.equal(401);
    const unauthorized = await gw.call('POST', '/dreams', { token: 'not-a-jwt', body: { title: 'Bad token' } });
    expect(unauthorized.status).to.equal(401);
    expect(unauthorized.headers.get('www-authenticate')).to.match(/Bearer/);
    const auditor = await gw.token('audrey', ['auditor']);
    const refused = await gw.call('POST', '/dreams', { token: auditor, body: { title: 'Auditors only read' } });
    expect(refused.status).to.equal(403);
    expect(refused.body.error.code).to.equal('forbidden');
  });

  it('lets integrations, and not users, report sync and implementation results', async () => {
    const created = await gw.call('POST', '/dreams', { token: alice, body: { title: 'Synced dream' } });
    const id = created.body.dreamId;
    const userTry = await gw.call('POST', `/dreams/${id}/sync`, { token: alice, body: { status: 'synced', pipelineosProjectId: 'p-1' } });
    expect(userTry.status).to.equal(403);
    const integration = await gw.token('pipelineos', ['integration']);
    const synced = await gw.call('POST', `/dreams/${id}/sync`, { token: integration, body: { status: 'synced', pipelineosProjectId: 'p-1' } });
    expect(synced.status).to.equal(200);
    const userImplementation = await gw.call('POST', `/dreams/${id}/implementation`, { token: alice, body: { pipelineosProjectId: 'p-1' } });
    expect(userImplementation.status).to.equal(403);
  });

  it("answers 404 for another user's dream and for malformed ids, and changes nothing", async () => {
    const created = await gw.call('POST', '/dreams', { token: alice, body: { title: "Alice's dream" } });
    const id = created.body.dreamId;
    const reply = await gw.call('PATCH', `/dreams/${id}`, { token: bob, body: { title: 'Taken over' } });
    expect(reply.status).to.equal(404);
    expect(reply.text).to.not.contain("Alice's dream");
    expect((await gw.call('DELETE', `/dreams/${id}`, { token: bob })).status).to.equal(404);
    expect((await gw.store.readStream(dreamStreamId(id))).map((e) => e.type)).to.deep.equal(['DreamCreated']);
    expect((await gw.call('PATCH', '/dreams/not-a-uuid', { token: alice, body: { title: 'x' } })).status).to.equal(404);
    expect((await gw.call('DELETE', `/dreams/${id}/todos/42`, { token: alice })).status).to.equal(404);
  });

  it('answers a retry with the same Idempotency-Key with the first answer and writes nothing', async () => {
    const headers = { 'idempotency-key': 'capture-retry-1' };
    const first = await gw.call('POST', '/conversations/capture', { token: alice, body: aCapture(), headers });
    const retry = await gw.call('POST', '/conversations/capture', { token: alice, body: aCapture(), headers });
    expect(first.status).to.equal(201);
    expect(retry.status).to.equal(first.status);
    expect(retry.body).to.deep.equal(first.body);
    expect(retry.headers.get('idempotent-replayed')).to.equal('true');
    expect(await gw.store.readStream(dreamStreamId(first.body.dreamId))).to.have.length(2);
  });

  it('fails a stale edit with 412 when If-Match names an old revision', async () => {
    const created = await gw.call('POST', '/dreams', { token: alice, body: { title: 'Edited twice' } });
    const etag = created.headers.get('etag')!;
    const first = await gw.call('PATCH', `/dreams/${created.body.dreamId}`, { token: alice, body: { title: 'First edit' }, headers: { 'if-match': etag } });
    expect(first.status).to.equal(200);
    expect(first.headers.get('etag')).to.equal('"1"');
    const stale = await gw.call('PATCH', `/dreams/${created.body.dreamId}`, { token: alice, body: { title: 'Second edit' }, headers: { 'if-match': etag } });
    expect(stale.status).to.equal(412);
    expect(stale.body.error.code).to.equal('precondition_failed');
    expect((await gw.call('PATCH', `/dreams/${created.body.dreamId}`, { token: alice, body: { title: 'x y z' }, headers: { 'if-match': 'soon' } })).status).to.equal(400);
  });

  it('imports a dream through both import routes', async () => {
    for (const path of ['/dreams/import', '/dreamcatcher/import']) {
      const reply = await gw.call('POST', path, { token: alice, body: { dream: { title: `Imported via ${path}`, fragments: [{ title: 'f', content: 'c', source: 'claude' }] } } });
      expect(reply.status, path).to.equal(201);
    }
  });

  describe('sync sessions', () => {
    it('runs each item under its own key and answers per item', async () => {
      const created = await gw.call('POST', '/dreams', { token: alice, body: { title: 'Offline dream' } });
      const session = {
        sessionId: '7e2b9d4f-c1a8-4e36-b5f0-3a9d6c8e1f27',
        items: [
          { idempotencyKey: 'offline-1', command: { type: 'AddTodo', data: { dreamId: created.body.dreamId, title: 'Write tests' } } },
          { idempotencyKey: 'offline-2', command: { type: 'CaptureFragment', data: aCapture() } },
        ],
      };
      const reply = await gw.call('POST', '/sync-sessions', { token: alice, body: session });
      expect(reply.status).to.equal(200);
      expect(reply.body.sessionId).to.equal(session.sessionId);
      expect(reply.body.items.map((item: { status: number }) => item.status)).to.deep.equal([200, 201]);
      const again = await gw.call('POST', '/sync-sessions', { token: alice, body: session });
      expect(again.body.items.map((item: { status: number; replayed: boolean }) => [item.status, item.replayed])).to.deep.equal([[200, true], [201, true]]);
      expect(again.body.items[1].answer).to.deep.equal(reply.body.items[1].answer);
      expect(await gw.store.readStream(dreamStreamId(created.body.dreamId))).to.have.length(2);
    });

    it('refuses an invalid session listing every violation, and items the caller may not send', async () => {
      const invalid = await gw.call('POST', '/sync-sessions', { token: alice, body: { items: [{ command: { type: 'CreateDream', data: {} } }] } });
      expect(invalid.status).to.equal(400);
      expect(invalid.body.error.details.violations.length).to.be.at.least(2);
      const report = { idempotencyKey: 'r-1', command: { type: 'ReportSync', data: { dreamId: '3f6c2a1e-8b4d-4c7a-9e21-5d0f7b8a9c14', status: 'failed', reason: 'down' } } };
      expect((await gw.call('POST', '/sync-sessions', { token: alice, body: { items: [report] } })).status).to.equal(403);
    });
  });
});
