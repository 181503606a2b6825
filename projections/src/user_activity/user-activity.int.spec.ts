import { expect } from 'chai';
import { withReaderScope } from '../runtime/reader-scope.js';
import { appendScripts, project, useReadModelDatabase } from '../testing/harness.js';
import { mixedWorkload, USER_A, USER_B } from '../testing/workload.js';
import { userActivityProjection } from './projection.js';
import { getUserActivity } from './queries.js';

describe('user_activity', function () {
  this.timeout(20_000);
  const database = useReadModelDatabase('dc_proj_activity');

  it('counts what each user has and when they last changed or captured something', async () => {
    const workload = mixedWorkload();
    await project(database.db, userActivityProjection, await appendScripts(database.db.store, workload.scripts), 6);
    const activity = (user: string) => withReaderScope(database.db.pool, user, (client) => getUserActivity(client, user));
    // a1: 1 fragment, 2 todos (1 completed); a2: 2 fragments, 2 todos (1 completed); a3 deleted.
    expect(await activity(USER_A)).to.deep.equal({
      dreamCount: 2,
      fragmentCount: 3,
      todoCount: 4,
      completedTodos: 2,
      lastUpdate: workload.times.userALastUpdate,
      lastCapture: workload.times.lastCapture,
    });
    expect(await activity(USER_B)).to.deep.include({ dreamCount: 1, fragmentCount: 1, todoCount: 0, completedTodos: 0 });
    expect(await activity('nobody')).to.deep.equal({ dreamCount: 0, fragmentCount: 0, todoCount: 0, completedTodos: 0, lastUpdate: null, lastCapture: null });
  });
});
