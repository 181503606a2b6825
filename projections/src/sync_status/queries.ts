/** Sync status: per user (the product's `get_sync_status`) and per dream. */
import { isUuid, tableIn, type Queryable, type QueryOptions } from '../shared/query.js';
import { iso } from '../shared/time.js';
import type { SyncFailure, SyncStatus } from '../shared/sync-state.js';

export interface UserSyncStatus {
  totalDreams: number;
  syncedDreams: number;
  unsyncedDreams: number;
  /** When a dream of the user was last synced (ISO), or null. */
  lastSync: string | null;
}

export interface DreamSyncStatus {
  dreamId: string;
  status: SyncStatus;
  pipelineosProjectId: string | null;
  syncedAt: string | null;
  failureCount: number;
  /** The most recent failures, newest first. */
  failures: SyncFailure[];
}

export async function getSyncStatus(client: Queryable, userId: string, options?: QueryOptions): Promise<UserSyncStatus> {
  const { rows } = await client.query<{ total_dreams: number; synced_dreams: number; last_sync: Date | null }>(
    `SELECT total_dreams, synced_dreams, last_sync FROM ${tableIn(options, 'sync_status_users')} WHERE owner_id = $1`,
    [userId],
  );
  const row = rows[0];
  if (!row) return { totalDreams: 0, syncedDreams: 0, unsyncedDreams: 0, lastSync: null };
  return { totalDreams: row.total_dreams, syncedDreams: row.synced_dreams, unsyncedDreams: row.total_dreams - row.synced_dreams, lastSync: iso(row.last_sync) };
}

interface DreamSyncRecord {
  dream_id: string;
  status: SyncStatus;
  pipelineos_project_id: string | null;
  synced_at: Date | null;
  failure_count: number;
  failures: SyncFailure[];
}

const toView = (row: DreamSyncRecord): DreamSyncStatus => ({
  dreamId: row.dream_id,
  status: row.status,
  pipelineosProjectId: row.pipelineos_project_id,
  syncedAt: iso(row.synced_at),
  failureCount: row.failure_count,
  failures: row.failures,
});

/** One dream's sync state, or undefined when the user has no such dream. */
export async function getDreamSyncStatus(client: Queryable, userId: string, dreamId: string, options?: QueryOptions): Promise<DreamSyncStatus | undefined> {
  if (!isUuid(dreamId)) return undefined;
  const { rows } = await client.query<DreamSyncRecord>(
    `SELECT dream_id, status, pipelineos_project_id, synced_at, failure_count, failures FROM ${tableIn(options, 'sync_status_dreams')} WHERE owner_id = $1 AND dream_id = $2::uuid`,
    [userId, dreamId],
  );
  return rows[0] && toView(rows[0]);
}

/** The user's dreams in one sync state (e.g. `failed`, to retry them), oldest change first. */
export async function listDreamsBySyncStatus(client: Queryable, userId: string, status: SyncStatus, options?: QueryOptions & { limit?: number }): Promise<DreamSyncStatus[]> {
  const { rows } = await client.query<DreamSyncRecord>(
    `SELECT dream_id, status, pipelineos_project_id, synced_at, failure_count, failures FROM ${tableIn(options, 'sync_status_dreams')}
     WHERE owner_id = $1 AND status = $2 ORDER BY updated_at, dream_id LIMIT $3`,
    [userId, status, Math.min(Math.max(options?.limit ?? 100, 1), 1000)],
  );
  return rows.map(toView);
}
