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

  it("removes what a rebuild killed half-way left behind, and nothing of a running one's", async () => {
    const { pool, store } = database.db;
    const client = await pool.connect();
    try {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const running = `read_models_rebuild_${rows[0]!.pid}_cafe0001`;
      await client.query(`CREATE SCHEMA read_models_rebuild_4194305_dead0001; CREATE TABLE read_models_rebuild_4194305_dead0001.t (x int); CREATE SCHEMA ${running}`);
      await rebuildAndSwap({ pool, store, projections: [PROJECTIONS.catalogue] });
      const { rows: left } = await client.query<{ name: string }>("SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE 'read_models_%' ORDER BY 1");
      expect(left.map((row) => row.name)).to.deep.equal([running]);
      await client.query(`DROP SCHEMA ${running}`);
    } finally {
      client.release();
    }
  });
});
