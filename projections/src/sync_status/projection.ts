/**
 * `sync_status`: per dream, its sync state with PipelineOS and recent failures; per user,
 * how many dreams are synced and when the last sync happened (the product's `get_sync_status`).
 */
import { occurredAt } from '../shared/time.js';
import { difference, type Counts } from '../shared/contribution.js';
import type { Projection } from '../runtime/projection.js';
import { dreamSyncTable, MAX_FAILURES, userSyncTable, type DreamSyncRow } from './migrations.js';

function contribution(row: DreamSyncRow | undefined): Counts | undefined {
  return row && { total_dreams: 1, synced_dreams: row.status === 'synced' ? 1 : 0, failed_dreams: row.status === 'failed' ? 1 : 0 };
}

export const syncStatusProjection: Projection = {
  name: 'sync_status',
  handles: ['DreamCreated', 'DreamImported', 'DreamSynced', 'DreamSyncFailed', 'DreamDeleted'],
  tables: [dreamSyncTable, userSyncTable],
  apply(tx, event) {
    const dreams = tx.table(dreamSyncTable);
    const at = occurredAt(event);
    const before = dreams.get(event.data.dreamId);
    let after: DreamSyncRow | undefined = before && { ...before, updated_at: at };
    switch (event.type) {
      case 'DreamCreated':
      case 'DreamImported':
        after = { dream_id: event.data.dreamId, owner_id: event.data.ownerId, status: 'unsynced', pipelineos_project_id: null, synced_at: null, failure_count: 0, failures: [], updated_at: at };
        break;
      case 'DreamSynced':
        if (after) after = { ...after, status: 'synced', pipelineos_project_id: event.data.pipelineosProjectId, synced_at: at };
        break;
      case 'DreamSyncFailed':
        if (after) after = { ...after, status: 'failed', failure_count: after.failure_count + 1, failures: [{ reason: event.data.reason, at }, ...after.failures].slice(0, MAX_FAILURES) };
        break;
      case 'DreamDeleted':
        after = undefined;
        break;
      default:
        return;
    }
    const owner = after?.owner_id ?? before?.owner_id;
    if (!owner) return;
    if (after) dreams.put(after);
    else dreams.delete({ dream_id: event.data.dreamId });
    const delta = difference(contribution(after), contribution(before));
    tx.table(userSyncTable).add({ owner_id: owner }, delta, event.type === 'DreamSynced' ? { last_sync: at } : {});
  },
};
