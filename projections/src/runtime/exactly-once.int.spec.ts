import { expect } from 'chai';
import { PROJECTIONS } from '../registry.js';
import { verifyProjections } from '../rebuild/rebuild.js';
import { applyBatch, type BatchResult } from './apply-batch.js';
import { lockProjection } from './checkpoints.js';
import type { ProjectionEvent } from './events.js';
import { READ_MODELS_SCHEMA } from './names.js';
import { storeReader } from '../rebuild/build.js';
import { Clock, DreamScript } from '../testing/dream-script.js';
import { appendScripts, project, useReadModelDatabase, type ReadModelDatabase } from '../testing/harness.js';
import { mixedWorkload } from '../testing/workload.js';
import { dreamSummaryProjection } from '../dream_summary/projection.js';
import { withReaderScope } from './reader-scope.js';
import { getDreamSummary } from '../dream_summary/queries.js';

/** A deterministic shuffle (the same order on every run). */
function shuffled<T>(items: T[], seed: number): T[] {
  const result = [...items];
  let state = seed;
  for (let i = result.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}

async function applyOnce(db: ReadModelDatabase, events: ProjectionEvent[]): Promise<BatchResult> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await lockProjection(client, dreamSummaryProjection.name);
    const result = await applyBatch(client, dreamSummaryProjection, events, { schema: READ_MODELS_SCHEMA, readStream: storeReader(db.store), notify: true });
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

describe('exactly-once effect over at-least-once delivery', function () {
  this.timeout(30_000);
  const database = useReadModelDatabase('dc_proj_once');
  let events: ProjectionEvent[];

  before(async () => {
    const workload = mixedWorkload();
    const extra = Array.from({ length: 6 }, (_, index) => new DreamScript(`user-${index % 3}`, new Clock()).created({ tags: ['ai'] }).captured().todoAdded('x').tagged('web'));
    events = await appendScripts(database.db.store, [...workload.scripts, ...extra]);
  });

  it('gives every projection the same tables whatever the batches, repeats and arrival order', async () => {
    const { db } = database;
    // Out of order, every event at least twice, in batches of 3: revisions that skip ahead are
    // filled from the store, and whatever arrives after is a repeat.
    const deliveries = [...shuffled(events, 7), ...shuffled(events, 11).slice(0, 40)];
    for (const projection of Object.values(PROJECTIONS)) await project(db, projection, deliveries, 3);
    const first = await verifyProjections({ pool: db.pool, store: db.store, projections: Object.values(PROJECTIONS), pageSize: 4 });
    expect(first.projections.filter((p) => p.differences.length), JSON.stringify(first, null, 1)).to.deep.equal([]);
    expect(first.identical).to.equal(true);

    // A full replay in other batches changes nothing.
    for (const projection of Object.values(PROJECTIONS)) await project(db, projection, shuffled(events, 3), 50);
    const again = await verifyProjections({ pool: db.pool, store: db.store, projections: Object.values(PROJECTIONS) });
    expect(again.identical).to.equal(true);
  });

  it('applies a revision that skips ahead only after reading the missing ones from the store', async () => {
    const { db } = database;
    const script = new DreamScript('user-gap', new Clock()).created({ title: 'Gap dream' }).captured().todoAdded('first').detailsChanged({ title: 'Gap dream, renamed' });
    const [r0, r1, r2, r3] = await appendScripts(db.store, [script]);
    const late = await applyOnce(db, [r3!]);
    expect(late).to.include({ applied: 4, refetched: 3, duplicates: 0 });
    const early = await applyOnce(db, [r1!, r2!, r0!]);
    expect(early).to.include({ applied: 0, refetched: 0, duplicates: 3 });
    const summary = await withReaderScope(db.pool, 'user-gap', (client) => getDreamSummary(client, 'user-gap', script.dreamId));
    expect(summary).to.include({ title: 'Gap dream, renamed', fragmentCount: 1, todoCount: 1 });
  });

  it('refuses a gap the store cannot fill, changing nothing', async () => {
    const { db } = database;
    const phantom: ProjectionEvent = { ...events[0]!, streamId: 'dream-00000000-0000-4000-8000-000000000001', revision: 5n };
    const error = await applyOnce(db, [phantom]).catch((caught: Error) => caught);
    expect(error).to.be.instanceOf(Error).with.property('name', 'StreamGapError');
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM read_models.dream_summary_streams WHERE stream_id = 'dream-00000000-0000-4000-8000-000000000001'");
    expect(rows[0].n).to.equal(0);
  });
});
