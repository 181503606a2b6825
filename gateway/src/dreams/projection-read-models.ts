/**
 * The read models, over `@dreamcatcher/projections`: each query runs inside
 * `withReaderScope` (a read-only transaction as the reader role with the caller's id set,
 * under row-level security) and also names the owner itself.
 */
import type { Pool } from '@dreamcatcher/service-kit';
import {
  findDreamByName,
  getDreamDetail,
  getFragmentPage,
  getDreamStatistics,
  getSyncStatus,
  getUserActivity,
  listBrands,
  listDreams,
  listTags,
  readCheckpoints,
  searchDreams,
  withReaderScope,
} from '@dreamcatcher/projections';
import type { ReadModels } from './read-models.js';

export function projectionReadModels(pool: Pool): ReadModels {
  const scoped = <T>(userId: string, work: (client: Parameters<Parameters<typeof withReaderScope>[2]>[0]) => Promise<T>) => withReaderScope(pool, userId, work);
  return {
    listDreams: (userId, filter) => scoped(userId, (client) => listDreams(client, userId, filter)),
    findDreamByName: (userId, name) => scoped(userId, (client) => findDreamByName(client, userId, name)),
    getDreamDetail: (userId, dreamId) => scoped(userId, (client) => getDreamDetail(client, userId, dreamId)),
    getFragmentPage: (userId, dreamId, cursor) => scoped(userId, (client) => getFragmentPage(client, userId, dreamId, cursor)),
    getDreamStatistics: (userId, dreamId) => scoped(userId, (client) => getDreamStatistics(client, userId, dreamId)),
    getSyncStatus: (userId) => scoped(userId, (client) => getSyncStatus(client, userId)),
    getUserActivity: (userId) => scoped(userId, (client) => getUserActivity(client, userId)),
    searchDreams: (userId, { q, limit }) => scoped(userId, (client) => searchDreams(client, userId, q, { limit })),
    listBrands: (userId) => scoped(userId, (client) => listBrands(client, userId)),
    listTags: (userId) => scoped(userId, (client) => listTags(client, userId)),
    readCheckpoints: async () => new Map(Object.entries(await readCheckpoints(pool))),
  };
}
