/** Tables of `sync_status`: each dream's sync state, and per user the counts and the last sync. */
import type { TableSpec } from '../runtime/table.js';
import type { SyncFailure } from '../shared/sync-state.js';

export interface DreamSyncRow {
  dream_id: string;
  owner_id: string;
  status: string;
  pipelineos_project_id: string | null;
  synced_at: string | null;
  failure_count: number;
  /** The most recent failures, newest first (at most MAX_FAILURES). */
  failures: SyncFailure[];
  updated_at: string;
}

export interface UserSyncRow {
  owner_id: string;
  total_dreams: number;
  synced_dreams: number;
  failed_dreams: number;
  last_sync: string | null;
}

export const MAX_FAILURES = 10;

export const dreamSyncTable: TableSpec<DreamSyncRow> = {
  name: 'sync_status_dreams',
  columns: {
    dream_id: 'uuid',
    owner_id: 'text',
    status: 'text',
    pipelineos_project_id: 'text',
    synced_at: 'timestamptz',
    failure_count: 'int',
    failures: 'jsonb',
    updated_at: 'timestamptz',
  },
  key: ['dream_id'],
  nullable: ['pipelineos_project_id', 'synced_at'],
  indexes: { owner_status: '(owner_id, status)' },
  preloadBy: 'dream_id',
  ownerScoped: true,
  readable: true,
};

export const userSyncTable: TableSpec<UserSyncRow> = {
  name: 'sync_status_users',
  columns: { owner_id: 'text', total_dreams: 'int', synced_dreams: 'int', failed_dreams: 'int', last_sync: 'timestamptz' },
  key: ['owner_id'],
  nullable: ['last_sync'],
  counters: { sum: ['total_dreams', 'synced_dreams', 'failed_dreams'], max: ['last_sync'] },
  ownerScoped: true,
  readable: true,
};
