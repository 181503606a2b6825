import { expect } from 'chai';
import pg from 'pg';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { applyBatch } from '../runtime/apply-batch.js';
import { DREAM_CHANGES_CHANNEL, READ_MODELS_SCHEMA } from '../runtime/names.js';
import { withReaderScope } from '../runtime/reader-scope.js';
import { appendScripts, project, useReadModelDatabase } from '../testing/harness.js';
import { mixedWorkload, USER_A, USER_B, type MixedWorkload } from '../testing/workload.js';
import { parseDreamChange, type DreamChange } from './changes.js';
import { dreamDetailProjection } from './projection.js';
import { getDreamDetail } from './queries.js';
import { FRAGMENT_PAGE_CHARS, FRAGMENT_PAGE_SIZE, getFragmentPage } from './fragment-page.js';
import { Clock, DreamScript } from '../testing/dream-script.js';

describe('dream_detail', function () {
  this.timeout(20_000);
  const database = useReadModelDatabase('dc_proj_detail');
  let workload: MixedWorkload;

  before(async () => {
    workload = mixedWorkload();
    await project(database.db, dreamDetailProjection, await appendScripts(database.db.store, workload.scripts), 4);
  });

  const detail = (user: string, id: string) => withReaderScope(database.db.pool, user, (client) => getDreamDetail(client, user, id));

  it('holds the dream with its fragments, todos, documents, implementation and sync state', async () => {
    const { a1, ids, times } = workload;
    const dream = await detail(USER_A, a1.dreamId);
    expect(dream).to.deep.include({
      id: a1.dreamId,
      title: 'Build a rocket',
      description: 'Reusable rockets for makers',
      summary: 'An AI summary',
      status: 'in_progress',
      brand: 'bc-innovations',
      tags: ['ai', 'coding', 'design'],
      fragmentCount: 1,
      todoCount: 2,
      completedTodos: 1,
      documentCount: 1,
      synced: true,
      pipelineosProjectId: 'proj-1',
      revision: '22',
    });
    expect(dream!.fragments).to.have.length(1);
    expect(dream!.fragments[0]).to.deep.include({ fragmentId: ids.f1, title: 'Rocket engines', content: 'Liquid oxygen and kerosene engines', source: 'claude', mode: 'all', features: ['idea'] });
    expect(dream!.fragments[0]!.codeSnippets).to.deep.equal([{ language: 'ts', code: 'let x = 1' }]);
    expect(dream!.todos.map((todo) => [todo.todoId, todo.title, todo.status, todo.priority, todo.assignedTo])).to.deep.equal([
      [ids.t1, 'Design nozzle', 'completed', 'high', 'ana'],
      [ids.t2, 'Order fuel', 'pending', 'medium', null],
    ]);
    expect(dream!.todos[0]!.completedAt).to.be.a('string');
    expect(dream!.todos[1]!.completedAt).to.equal(null);
    expect(dream!.documents).to.have.length(1);
    expect(dream!.documents[0]).to.deep.include({ title: 'Blueprint', fileName: 'Blueprint.pdf', fileType: 'application/pdf', size: 2048 });
    expect(dream!.implementation).to.deep.include({ status: 'completed', notes: 'go fast', pipelineosProjectId: 'proj-1', ticketsCreated: 3, agentsAssigned: ['builder'] });
    expect(dream!.sync).to.deep.equal({
      status: 'synced',
      pipelineosProjectId: 'proj-1',
      syncedAt: times.a1SyncedAt,
      lastFailure: { reason: 'PipelineOS timeout', at: times.a1FailedAt },
      failureCount: 1,
    });
  });

  it('keeps imported children in their order and forgets deleted dreams with all their children', async () => {
    const { a2, a3 } = workload;
    const imported = await detail(USER_A, a2.dreamId);
    expect(imported!.fragments.map((fragment) => fragment.title)).to.deep.equal(['Recipe chat', 'Oven chat']);
    expect(imported!.todos.map((todo) => [todo.title, todo.status])).to.deep.equal([['Buy bananas', 'completed'], ['Preheat oven', 'pending']]);
    expect(imported!.sync.status).to.equal('failed');
    expect(await detail(USER_A, a3.dreamId)).to.equal(undefined);
    for (const table of ['dream_fragments', 'dream_todos', 'dream_documents']) {
      const { rows } = await database.db.pool.query(`SELECT count(*)::int AS n FROM read_models.${table} WHERE dream_id = $1`, [a3.dreamId]);
      expect(rows[0].n, table).to.equal(0);
    }
  });

  it("answers undefined for another user's dream", async () => {
    expect(await detail(USER_B, workload.a1.dreamId)).to.equal(undefined);
    expect(await detail(USER_B, workload.b1.dreamId)).to.include({ title: 'Secret garden' });
  });

  it('carries a first page of fragments and pages the rest by cursor, by count and by size', async () => {
    const big = new DreamScript(USER_A, new Clock());
    big.created({ title: 'A long dream' });
    for (let i = 0; i < FRAGMENT_PAGE_SIZE + 5; i++) big.captured(`Chat ${i}`, i === 3 ? 'x'.repeat(FRAGMENT_PAGE_CHARS) : `Short chat ${i}`);
    await project(database.db, dreamDetailProjection, await appendScripts(database.db.store, [big]), 100);
    const first = await detail(USER_A, big.dreamId);
    expect(first!.fragmentCount).to.equal(FRAGMENT_PAGE_SIZE + 5);
    // The fourth fragment alone passes the size bound: the first page stops before it.
    expect(first!.fragments.map((f) => f.title)).to.deep.equal(['Chat 0', 'Chat 1', 'Chat 2']);
    const seen = [...first!.fragments];
    let cursor = first!.fragmentsNextCursor;
    while (cursor) {
      const page = await withReaderScope(database.db.pool, USER_A, (client) => getFragmentPage(client, USER_A, big.dreamId, cursor!));
      expect(page!.fragments.length).to.be.within(1, FRAGMENT_PAGE_SIZE);
      seen.push(...page!.fragments);
      cursor = page!.nextCursor;
    }
    expect(seen.map((f) => f.title)).to.deep.equal(Array.from({ length: FRAGMENT_PAGE_SIZE + 5 }, (_, i) => `Chat ${i}`));
    expect(await withReaderScope(database.db.pool, USER_B, (client) => getFragmentPage(client, USER_B, big.dreamId))).to.equal(undefined);
  });

  it('announces changed dreams on dream_changes only when the batch commits', async () => {
    const listener = new pg.Client({ connectionString: database.db.url });
    await listener.connect();
    const changes: DreamChange[] = [];
    listener.on('notification', (message) => {
      const change = parseDreamChange(message.payload);
      if (message.channel === DREAM_CHANGES_CHANNEL && change) changes.push(change);
    });
    await listener.query(`LISTEN ${DREAM_CHANGES_CHANNEL}`);
    try {
      const { b1 } = workload;
      b1.implementationCompleted('proj-b');
      const [completed] = await appendScripts(database.db.store, [b1]);
      const client = await database.db.pool.connect();
      try {
        await client.query('BEGIN');
        await applyBatch(client, dreamDetailProjection, [completed!], { schema: READ_MODELS_SCHEMA, notify: true });
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
      b1.deleted();
      const [deleted] = await appendScripts(database.db.store, [b1]);
      await project(database.db, dreamDetailProjection, [completed!, deleted!]);
      await eventually(() => changes.length >= 2, { what: 'two notifications' });
      expect(changes).to.deep.equal([
        { ownerId: USER_B, dreamId: b1.dreamId, position: completed!.position.toString(), revision: completed!.revision.toString(), kind: 'implementation_completed', types: ['ImplementationCompleted'], fragmentIds: [] },
        { ownerId: USER_B, dreamId: b1.dreamId, position: deleted!.position.toString(), revision: deleted!.revision.toString(), kind: 'deleted', types: ['DreamDeleted'], fragmentIds: [] },
      ]);
    } finally {
      await listener.end();
    }
  });
});
