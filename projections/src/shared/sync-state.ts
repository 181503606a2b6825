/**
 * A dream's sync state with PipelineOS is the outcome of the last report: unsynced until
 * the first, then synced or failed. A failed re-sync makes a synced dream `failed` (PipelineOS
 * no longer matches it); the project id of the last success is kept.
 */
export type SyncStatus = 'unsynced' | 'synced' | 'failed';

export interface SyncFailure {
  reason: string;
  at: string;
}

export interface SyncState {
  status: SyncStatus;
  pipelineosProjectId: string | null;
  syncedAt: string | null;
  lastFailure: SyncFailure | null;
  failureCount: number;
}

export const UNSYNCED: SyncState = { status: 'unsynced', pipelineosProjectId: null, syncedAt: null, lastFailure: null, failureCount: 0 };

export function markSynced(state: SyncState, pipelineosProjectId: string, at: string): SyncState {
  return { ...state, status: 'synced', pipelineosProjectId, syncedAt: at };
}

export function markSyncFailed(state: SyncState, reason: string, at: string): SyncState {
  return { ...state, status: 'failed', lastFailure: { reason, at }, failureCount: state.failureCount + 1 };
}
