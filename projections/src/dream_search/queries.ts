/**
 * Full-text search over a user's dreams: titles, descriptions, summaries and fragment
 * content, with `websearch_to_tsquery` (quotes, `or`, `-word`). One result per dream, ranked
 * by its best match, with a snippet of that match.
 */
import { clampLimit, tableIn, type Queryable, type QueryOptions } from '../shared/query.js';
import { iso } from '../shared/time.js';
import { INDEXED_TEXT_CHARS } from '../shared/text-index.js';
import { SEARCH_CONFIG } from './migrations.js';
import { MATCH_END, MATCH_START, snippetHtml } from './snippet.js';

export interface SearchHit {
  id: string;
  title: string;
  status: string;
  brand: string;
  tags: string[];
  updated: string;
  rank: number;
  /** HTML-safe text around the best match, matches wrapped in `<mark>`. */
  snippet: string;
  /** Where the best match is: the dream's own text or a fragment. */
  matchedIn: 'dream' | 'fragment';
  fragmentId: string | null;
  /** How many of the dream's fragments match. */
  matchingFragments: number;
}

const HEADLINE = `StartSel=${MATCH_START}, StopSel=${MATCH_END}, MaxWords=30, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "`;

export async function searchDreams(client: Queryable, userId: string, q: string, options: QueryOptions & { limit?: number } = {}): Promise<{ items: SearchHit[] }> {
  if (!q.trim()) return { items: [] };
  const dreams = tableIn(options, 'dream_search');
  const fragments = tableIn(options, 'dream_search_fragments');
  const { rows } = await client.query<{
    dream_id: string; title: string; status: string; brand: string; tags: string[]; updated_at: Date;
    rank: number; fragment_id: string | null; matching_fragments: string; headline: string;
  }>(
    `WITH query AS (SELECT websearch_to_tsquery('${SEARCH_CONFIG}', $2) AS q),
     hits AS (
       SELECT d.dream_id, NULL::uuid AS fragment_id, ts_rank_cd(d.search_vector, query.q) AS rank
       FROM ${dreams} d, query WHERE d.owner_id = $1 AND d.search_vector @@ query.q
       UNION ALL
       SELECT f.dream_id, f.fragment_id, ts_rank_cd(f.search_vector, query.q) AS rank
       FROM ${fragments} f, query WHERE f.owner_id = $1 AND f.search_vector @@ query.q
     ),
     best AS (
       SELECT DISTINCT ON (dream_id) dream_id, fragment_id, rank,
              count(fragment_id) OVER (PARTITION BY dream_id) AS matching_fragments
       FROM hits ORDER BY dream_id, rank DESC, fragment_id NULLS FIRST
     ),
     top AS (
       SELECT b.*, d.title, d.status, d.brand, d.tags, d.updated_at, d.description, d.summary
       FROM best b JOIN ${dreams} d ON d.dream_id = b.dream_id AND d.owner_id = $1
       ORDER BY b.rank DESC, d.updated_at DESC, b.dream_id LIMIT $3
     )
     SELECT top.dream_id, top.title, top.status, top.brand, top.tags, top.updated_at, top.rank, top.fragment_id, top.matching_fragments,
            ts_headline('${SEARCH_CONFIG}',
              CASE WHEN top.fragment_id IS NULL THEN concat_ws(' — ', top.title, top.description, top.summary) ELSE left(f.title || ' — ' || f.content, ${INDEXED_TEXT_CHARS}) END,
              query.q, $4) AS headline
     FROM top CROSS JOIN query
     LEFT JOIN ${fragments} f ON f.dream_id = top.dream_id AND f.fragment_id = top.fragment_id AND f.owner_id = $1
     ORDER BY top.rank DESC, top.updated_at DESC, top.dream_id`,
    [userId, q, clampLimit(options.limit), HEADLINE],
  );
  return {
    items: rows.map((row) => ({
      id: row.dream_id,
      title: row.title,
      status: row.status,
      brand: row.brand,
      tags: row.tags,
      updated: iso(row.updated_at)!,
      rank: Number(row.rank),
      snippet: snippetHtml(row.headline),
      matchedIn: row.fragment_id ? 'fragment' : 'dream',
      fragmentId: row.fragment_id,
      matchingFragments: Number(row.matching_fragments),
    })),
  };
}
