import { expect } from 'chai';
import { withReaderScope } from '../runtime/reader-scope.js';
import { appendScripts, project, useReadModelDatabase } from '../testing/harness.js';
import { mixedWorkload, USER_A, USER_B, type MixedWorkload } from '../testing/workload.js';
import { syncStatusProjection } from './projection.js';
import { getDreamSyncStatus, getSyncStatus, listDreamsBySyncStatus } from './queries.js';

describe('sync_status', function () {
  this.timeout(20_000);
  const database = useReadModelDatabase('dc_proj_sync');
  let workload: MixedWorkload;

  before(async () => {
    workload = mixedWorkload();
    await project(database.db, syncStatusProjection, await appendScripts(database.db.store, workload.scripts), 3);
  });

  const as = <T>(user: string, work: Parameters<typeof withReaderScope<T>>[2]) => withReaderScope(database.db.pool, user, work);

  it("counts each user's synced and unsynced dreams, with the last sync", async () => {
    expect(await as(USER_A, (client) => getSyncStatus(client, USER_A))).to.deep.equal({ totalDreams: 2, syncedDreams: 1, unsyncedDreams: 1, lastSync: workload.times.a1SyncedAt });
    const b = await as(USER_B, (client) => getSyncStatus(client, USER_B));
    expect(b).to.include({ totalDreams: 1, syncedDreams: 1, unsyncedDreams: 0 });
    expect(await as('nobody', (client) => getSyncStatus(client, 'nobody'))).to.deep.equal({ totalDreams: 0, syncedDreams: 0, unsyncedDreams: 0, lastSync: null });
  });

  it('keeps each dream\'s state and its failures', async () => {
    const { a1, a2 } = workload;
    const a1State = await as(USER_A, (client) => getDreamSyncStatus(client, USER_A, a1.dreamId));
    expect(a1State).to.deep.equal({
      dreamId: a1.dreamId,
      status: 'synced',
      pipelineosProjectId: 'proj-1',
      syncedAt: workload.times.a1SyncedAt,
      failureCount: 1,
      failures: [{ reason: 'PipelineOS timeout', at: workload.times.a1FailedAt }],
    });
    const failed = await as(USER_A, (client) => listDreamsBySyncStatus(client, USER_A, 'failed'));
    expect(failed.map((dream) => [dream.dreamId, dream.failures.map((failure) => failure.reason)])).to.deep.equal([[a2.dreamId, ['No project template']]]);
    expect(await as(USER_B, (client) => getDreamSyncStatus(client, USER_B, a1.dreamId))).to.equal(undefined);
  });
});
