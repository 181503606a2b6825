import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { PROJECTIONS } from '../registry.js';
import { verifyProjections } from '../rebuild/rebuild.js';
import { appendScripts, project, useReadModelDatabase } from '../testing/harness.js';
import { mixedWorkload, USER_A, USER_B } from '../testing/workload.js';
import type { ProjectionEvent } from './events.js';

describe('erasure of a user (UserDataErased)', function () {
  this.timeout(30_000);
  const database = useReadModelDatabase('dc_proj_erasure');
  const projections = Object.values(PROJECTIONS);

  const ownerCounts = async () => {
    const counts: Record<string, Record<string, number>> = {};
    for (const spec of projections.flatMap((projection) => projection.tables.filter((table) => table.ownerScoped))) {
      const { rows } = await database.db.pool.query<{ owner_id: string; n: number }>(`SELECT owner_id, count(*)::int AS n FROM read_models.${spec.name} GROUP BY owner_id`);
      counts[spec.name] = Object.fromEntries(rows.map((row) => [row.owner_id, row.n]));
    }
    return counts;
  };

  it("drops every row of the user in every projection, keeps the others', and matches a rebuild", async () => {
    const { store } = database.db;
    const workload = mixedWorkload();
    const events = await appendScripts(store, workload.scripts);
    const erasure = await store.appendToStream(`user-${USER_A}`, [
      { id: randomUUID(), type: 'UserDataErased', data: { userId: USER_A }, metadata: { userId: 'admin', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2026-02-01T00:00:00.000Z', schemaVersion: 1 } },
    ]);
    const erased: ProjectionEvent = {
      eventId: erasure.events[0]!.id,
      type: 'UserDataErased',
      data: { userId: USER_A },
      metadata: { userId: 'admin', correlationId: 'c', causationId: 'c', occurredAt: '2026-02-01T00:00:00.000Z', schemaVersion: 1 },
      streamId: `user-${USER_A}`,
      revision: 0n,
      position: erasure.position,
    };
    // The erasure arrives in the same batch as some of the user's own events, and after them.
    for (const projection of projections) await project(database.db, projection, [...events, erased], 30);
    workload.a1.tagged('after-erasure');
    const late = await appendScripts(store, [workload.a1]);
    for (const projection of projections) await project(database.db, projection, late);

    const counts = await ownerCounts();
    for (const [table, owners] of Object.entries(counts)) expect(owners[USER_A], table).to.equal(undefined);
    expect(counts.dream_summary![USER_B]).to.equal(1);
    expect(counts.user_activity![USER_B]).to.equal(1);
    expect(counts.dream_fragments![USER_B]).to.equal(1);
    const report = await verifyProjections({ pool: database.db.pool, store, projections });
    expect(report.identical, JSON.stringify(report.projections.filter((p) => p.differences.length))).to.equal(true);
  });
});
