/**
 * Tables of `dream_search`: a dream's own text and each fragment's text, each with a
 * stored tsvector under a GIN index. Titles weigh most (A), then descriptions, summaries
 * and fragment titles (B), then fragment content (C).
 */
import type { TableSpec } from '../runtime/table.js';

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
    search_vector: `tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('${SEARCH_CONFIG}', title), 'A') ||
      setweight(to_tsvector('${SEARCH_CONFIG}', coalesce(description, '') || ' ' || coalesce(summary, '')), 'B')) STORED`,
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
    search_vector: `tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('${SEARCH_CONFIG}', title), 'B') || setweight(to_tsvector('${SEARCH_CONFIG}', content), 'C')) STORED`,
  },
  indexes: { owner: '(owner_id)', vector: 'USING gin (search_vector)' },
  ownerScoped: true,
  readable: true,
};
