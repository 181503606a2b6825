/**
 * What the gateway reads from the projections, always for one caller. The adapter over
 * `@dreamcatcher/projections` (projection-read-models.ts) runs each query inside
 * `withReaderScope`, so row-level security holds it to the caller's rows even if a query
 * forgot its owner condition.
 */
import type { Brand, DreamStatus } from '@dreamcatcher/contracts';

export interface Page<T = unknown> {
  items: T[];
  nextCursor: string | null;
}

export interface DreamListFilter {
  brand?: Brand;
  status?: DreamStatus;
  tag?: string;
  q?: string;
  limit: number;
  cursor?: string;
}

export interface ReadModels {
  listDreams(userId: string, filter: DreamListFilter): Promise<Page>;
  /** Undefined when the caller has no such dream (absent, deleted or someone else's). */
  /** The caller's not archived dream of that title (trimmed, case-insensitive), the oldest first. */
  findDreamByName(userId: string, name: string): Promise<{ id: string } | undefined>;
  getDreamDetail(userId: string, dreamId: string): Promise<unknown | undefined>;
  /** A page of the dream's fragments after `cursor`; undefined when the caller has no such dream. */
  getFragmentPage(userId: string, dreamId: string, cursor?: string): Promise<unknown | undefined>;
  getDreamStatistics(userId: string, dreamId: string): Promise<unknown | undefined>;
  getSyncStatus(userId: string): Promise<unknown>;
  /** The caller's counts (user_activity), zeros for a caller with nothing yet. */
  getUserActivity(userId: string): Promise<unknown>;
  /** The best `limit` hits, best first (not paged). */
  searchDreams(userId: string, search: { q: string; limit: number }): Promise<unknown>;
  listBrands(userId: string): Promise<unknown>;
  listTags(userId: string): Promise<unknown>;
  /** Every projection's checkpoint (the last store position it applied). */
  readCheckpoints(): Promise<Map<string, bigint>>;
}

/** Which projections each query reads, for read-your-writes. */
export const READS = {
  list: ['dream_summary'],
  detail: ['dream_detail'],
  statistics: ['dream_summary'],
  syncStatus: ['sync_status'],
  activity: ['user_activity'],
  search: ['dream_search'],
  catalogue: ['catalogue'],
} as const satisfies Record<string, readonly string[]>;
