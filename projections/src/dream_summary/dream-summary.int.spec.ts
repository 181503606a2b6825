import { expect } from 'chai';
import { ValidationError } from '@dreamcatcher/service-kit/errors';
import { withReaderScope } from '../runtime/reader-scope.js';
import { Clock, DreamScript } from '../testing/dream-script.js';
import { appendScripts, project, useReadModelDatabase } from '../testing/harness.js';
import { mixedWorkload, USER_A, USER_B, type MixedWorkload } from '../testing/workload.js';
import { dreamSummaryProjection } from './projection.js';
import { getDreamStatistics, listDreams, type ListDreamsOptions } from './queries.js';

describe('dream_summary', function () {
  this.timeout(20_000);
  const database = useReadModelDatabase('dc_proj_summary');
  let workload: MixedWorkload;

  before(async () => {
    workload = mixedWorkload();
    await project(database.db, dreamSummaryProjection, await appendScripts(database.db.store, workload.scripts), 5);
  });

  const list = (user: string, options: ListDreamsOptions = {}) => withReaderScope(database.db.pool, user, (client) => listDreams(client, user, options));

  it('holds one row per live dream with its counts after all 21 event types', async () => {
    const { items, nextCursor } = await list(USER_A);
    expect(nextCursor).to.equal(null);
    expect(items.map((item) => item.id)).to.deep.equal([workload.a2.dreamId, workload.a1.dreamId]);
    const [a2, a1] = items;
    expect(a1).to.deep.include({
      title: 'Build a rocket',
      description: 'Reusable rockets for makers',
      status: 'in_progress',
      brand: 'bc-innovations',
      tags: ['ai', 'coding', 'design'],
      fragmentCount: 1,
      todoCount: 2,
      completedTodos: 1,
      documentCount: 1,
      synced: true,
      pipelineosProjectId: 'proj-1',
      created: '2026-01-01T00:00:00.000Z',
    });
    expect(a2).to.deep.include({ title: 'Bakery idea', status: 'archived', fragmentCount: 2, todoCount: 2, completedTodos: 1, synced: false, pipelineosProjectId: null });
    expect(Date.parse(a2!.updated)).to.be.greaterThan(Date.parse(a1!.updated));
    expect(Object.keys(a1!).sort()).to.deep.equal(
      ['id', 'title', 'description', 'status', 'brand', 'tags', 'fragmentCount', 'todoCount', 'completedTodos', 'documentCount', 'synced', 'pipelineosProjectId', 'created', 'updated'].sort(),
    );
  });

  it('filters by brand, status, tag and text', async () => {
    const ids = async (options: ListDreamsOptions) => (await list(USER_A, options)).items.map((item) => item.id);
    const { a1, a2 } = workload;
    expect(await ids({ brand: 'bc-innovations' })).to.deep.equal([a1.dreamId]);
    expect(await ids({ brand: 'bc-studio' })).to.deep.equal([]);
    expect(await ids({ status: 'archived' })).to.deep.equal([a2.dreamId]);
    expect(await ids({ tag: 'coding' })).to.deep.equal([a1.dreamId]);
    expect(await ids({ tag: 'space' })).to.deep.equal([]);
    expect(await ids({ q: 'rockets makers' })).to.deep.equal([a1.dreamId]);
    expect(await ids({ q: 'bread -rocket' })).to.deep.equal([a2.dreamId]);
    expect(await ids({ tag: 'ai', status: 'in_progress', brand: 'bc-innovations' })).to.deep.equal([a1.dreamId]);
  });

  it('pages by (updated, id) with an opaque cursor, ties included', async () => {
    const clock = new Clock();
    const scripts = Array.from({ length: 23 }, (_, index) => {
      const script = new DreamScript('user-pages', clock).created({ title: `Dream number ${index}` });
      // Every third dream shares its time with the previous one: the id breaks the tie.
      if (index % 3 === 0) script.events[0]!.metadata.occurredAt = '2026-01-01T00:00:00.000Z';
      return script;
    });
    await project(database.db, dreamSummaryProjection, await appendScripts(database.db.store, scripts));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await list('user-pages', { limit: 10, ...(cursor && { cursor }) });
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).to.equal(3);
    expect(new Set(seen).size).to.equal(23);
    const all = (await list('user-pages', { limit: 100 })).items.map((item) => item.id);
    expect(seen).to.deep.equal(all);
  });

  it('rejects a cursor it did not issue', async () => {
    const error = await list(USER_A, { cursor: 'not-a-cursor' }).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(ValidationError);
  });

  it('serves statistics from the counts, only to the owner', async () => {
    const stats = (user: string, id: string) => withReaderScope(database.db.pool, user, (client) => getDreamStatistics(client, user, id));
    expect(await stats(USER_A, workload.a1.dreamId)).to.deep.equal({ fragmentCount: 1, todoCount: 2, completedTodos: 1, documentCount: 1, completionPercentage: 50 });
    expect(await stats(USER_B, workload.a1.dreamId)).to.equal(undefined);
    expect(await stats(USER_A, workload.a3.dreamId)).to.equal(undefined);
    expect(await stats(USER_A, 'not-a-uuid')).to.equal(undefined);
  });
});
