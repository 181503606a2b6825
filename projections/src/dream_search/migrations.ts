/**
 * Tables of `dream_search`: a dream's own text and each fragment's text, each with a
 * stored tsvector under a GIN index. Titles weigh most (A), then descriptions, summaries
 * and fragment titles (B), then fragment content (C); each row indexes a bounded amount of
 * text (shared/text-index.ts).
 */
import type { TableSpec } from '../runtime/table.js';
import { boundedSearchVector } from '../shared/text-index.js';

export interface DreamSearchRow {
  dream_id: string;
  owner_id: string;
  title: string;
  description: string | null;
  summary: string | null;
  status: string;
  brand: string;
  tags: string[];
  updated_at: string;
}

export interface FragmentSearchRow {
  dream_id: string;
  fragment_id: string;
  owner_id: string;
  title: string;
  content: string;
}

/** Text search configuration used to index and to query; both must agree. */
export const SEARCH_CONFIG = 'english';

export const dreamSearchTable: TableSpec<DreamSearchRow> = {
  name: 'dream_search',
  columns: {
    dream_id: 'uuid',
    owner_id: 'text',
    title: 'text',
    description: 'text',
    summary: 'text',
    status: 'text',
    brand: 'text',
    tags: 'text[]',
    updated_at: 'timestamptz',
  },
  key: ['dream_id'],
  nullable: ['description', 'summary'],
  generated: {
    search_vector: boundedSearchVector(SEARCH_CONFIG, [
      { sql: 'title', weight: 'A' },
      { sql: "coalesce(description, '') || ' ' || coalesce(summary, '')", weight: 'B' },
    ]),
  },
  indexes: { owner: '(owner_id)', vector: 'USING gin (search_vector)' },
  preloadBy: 'dream_id',
  ownerScoped: true,
  readable: true,
};

export const fragmentSearchTable: TableSpec<FragmentSearchRow> = {
  name: 'dream_search_fragments',
  columns: { dream_id: 'uuid', fragment_id: 'uuid', owner_id: 'text', title: 'text', content: 'text' },
  key: ['dream_id', 'fragment_id'],
  generated: {
    search_vector: boundedSearchVector(SEARCH_CONFIG, [
      { sql: 'title', weight: 'B' },
      { sql: 'content', weight: 'C' },
    ]),
  },
  indexes: { owner: '(owner_id)', vector: 'USING gin (search_vector)' },
  ownerScoped: true,
  readable: true,
};
