import { expect } from 'chai';
import { createTestDatabase } from '@dreamcatcher/service-kit/testing';
import { migrateReadModels } from '../migrations.js';
import { PROJECTIONS } from '../registry.js';
import { appendScripts, project, useReadModelDatabase } from '../testing/harness.js';
import { mixedWorkload, USER_A, USER_B, type MixedWorkload } from '../testing/workload.js';
import { listDreams } from '../dream_summary/queries.js';
import { withReaderScope } from './reader-scope.js';
import { ownedTables } from './projection.js';

describe('row-level security', function () {
  this.timeout(30_000);
  const database = useReadModelDatabase('dc_proj_rls');
  let workload: MixedWorkload;

  before(async () => {
    workload = mixedWorkload();
    const events = await appendScripts(database.db.store, workload.scripts);
    for (const projection of Object.values(PROJECTIONS)) await project(database.db, projection, events);
  });

  it("lets a user read only their own rows, even with a query that has no WHERE", async () => {
    const { pool } = database.db;
    const owners = (user: string, table: string) =>
      withReaderScope(pool, user, async (client) => (await client.query<{ owner_id: string }>(`SELECT DISTINCT owner_id FROM read_models.${table}`)).rows.map((row) => row.owner_id));
    const readable = Object.values(PROJECTIONS).flatMap((projection) => projection.tables.filter((spec) => spec.readable && spec.ownerScoped));
    expect(readable.map((spec) => spec.name)).to.include.members(['dream_summary', 'dream_detail', 'dream_fragments', 'sync_status_users', 'user_activity', 'dream_search', 'catalogue_tag_usage']);
    for (const spec of readable) {
      for (const user of [USER_A, USER_B]) expect(await owners(user, spec.name), `${spec.name} as ${user}`).to.satisfy((seen: string[]) => seen.every((owner) => owner === user));
    }
    expect(await owners(USER_A, 'dream_todos')).to.deep.equal([USER_A]);
    expect(await owners(USER_B, 'dream_fragments')).to.deep.equal([USER_B]);
    // Superuser without the scope sees both users: the rows are there, RLS hides them.
    const { rows } = await pool.query('SELECT DISTINCT owner_id FROM read_models.dream_summary ORDER BY owner_id');
    expect(rows.map((row) => row.owner_id)).to.deep.equal([USER_A, USER_B]);
    // A query that forgets its owner condition still returns only the caller's dreams.
    const sneaky = await withReaderScope(pool, USER_B, (client) => listDreams(client, USER_A));
    expect(sneaky.items).to.deep.equal([]);
  });

  it('shows no per-user rows without a user id, and the catalogue defaults to everyone', async () => {
    const { pool } = database.db;
    const client = await pool.connect();
    try {
      await client.query('BEGIN READ ONLY; SET LOCAL ROLE dreamcatcher_reader');
      expect((await client.query('SELECT count(*)::int AS n FROM read_models.dream_summary')).rows[0].n).to.equal(0);
      expect((await client.query('SELECT count(*)::int AS n FROM read_models.catalogue_brands')).rows[0].n).to.equal(5);
      expect((await client.query('SELECT count(*)::int AS n FROM read_models.projection_checkpoints')).rows[0].n).to.equal(6);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });

  it('gives the reader no access to internal tables, and no writes at all', async () => {
    const { pool } = database.db;
    const internal = Object.values(PROJECTIONS).flatMap((projection) => ownedTables(projection).filter((spec) => !spec.readable));
    expect(internal.map((spec) => spec.name)).to.include.members(['dream_summary_streams', 'user_activity_dreams', 'catalogue_dreams']);
    for (const spec of internal) {
      const error = await withReaderScope(pool, USER_A, (client) => client.query(`SELECT * FROM read_models.${spec.name}`)).catch((caught: { code?: string }) => caught);
      expect(error, spec.name).to.have.property('code', '42501');
    }
    const write = await withReaderScope(pool, USER_A, (client) => client.query("UPDATE read_models.dream_summary SET title = 'x'")).catch((caught: { code?: string }) => caught);
    expect(write).to.have.property('code').that.is.oneOf(['25006', '42501']);
  });

  it('creates the cluster-wide role idempotently when many databases migrate at once', async () => {
    const databases = await Promise.all([1, 2, 3].map(() => createTestDatabase('dc_proj_role')));
    try {
      await Promise.all(databases.map((db) => migrateReadModels(db.url)));
      await Promise.all(databases.map((db) => migrateReadModels(db.url)));
    } finally {
      await Promise.all(databases.map((db) => db.drop()));
    }
  });
});
