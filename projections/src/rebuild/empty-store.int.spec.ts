import { expect } from 'chai';
import { PROJECTIONS } from '../registry.js';
import { readCheckpoints } from '../runtime/checkpoints.js';
import { useReadModelDatabase } from '../testing/harness.js';
import { rebuildAndSwap, verifyProjections } from './rebuild.js';

describe('rebuild of an empty store', function () {
  this.timeout(30_000);
  const database = useReadModelDatabase('dc_proj_empty');

  it('verifies and swaps without waiting for events that do not exist', async () => {
    const { pool, store } = database.db;
    const projections = Object.values(PROJECTIONS);
    const started = Date.now();
    expect((await verifyProjections({ pool, store, projections })).identical).to.equal(true);
    const report = await rebuildAndSwap({ pool, store, projections });
    expect(report).to.include({ events: 0, position: null });
    expect(await readCheckpoints(pool)).to.deep.equal({});
    expect(Date.now() - started).to.be.lessThan(10_000);
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM read_models.catalogue_brands");
    expect(rows[0].n, 'swapped-in tables carry their reference data').to.equal(5);
  });
});
