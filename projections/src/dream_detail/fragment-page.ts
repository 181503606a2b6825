/**
 * A dream's fragments a page at a time. A dream may hold up to a thousand fragments and
 * megabytes of text; its detail carries only a first page (at most `FRAGMENT_PAGE_SIZE`
 * fragments and about `FRAGMENT_PAGE_CHARS` characters, though never less than one
 * fragment), and `getFragmentPage` reads the rest after an opaque cursor (the last
 * fragment's sort key), so no one answer holds a whole large dream.
 */
import { ValidationError } from '@dreamcatcher/service-kit/errors';
import { isUuid, tableIn, type Queryable, type QueryOptions } from '../shared/query.js';
import { iso } from '../shared/time.js';

export const FRAGMENT_PAGE_SIZE = 50;
export const FRAGMENT_PAGE_CHARS = 1_000_000;

export interface FragmentView {
  fragmentId: string;
  title: string;
  content: string;
  source: string;
  url: string | null;
  mode: string;
  features: string[];
  codeSnippets: { language: string; code: string }[];
  capturedAt: string;
  updatedAt: string;
}

export interface FragmentPage {
  fragments: FragmentView[];
  /** Where the next page starts; null on the last page. */
  nextCursor: string | null;
  /** Every fragment of the dream, on this page or not. */
  total: number;
}

type Json = Record<string, any>;

/**
 * The page's fragments after `after` (a sort key expression), as one SQL expression over
 * `dreamId` (an expression) and the owner `$1`; `$limit` and `$chars` name the bounds' parameters.
 * Each row carries `remaining` (fragments after `after`) so the caller knows whether more follow.
 */
export function fragmentPageSql(options: QueryOptions | undefined, dreamId: string, after: string, limit: string, chars: string): string {
  return `(SELECT coalesce(json_agg(p ORDER BY p.sort_key), '[]') FROM (
    SELECT * FROM (
      SELECT fragment_id, sort_key, sort_key::text AS cursor_key, title, content, source, url, mode, features, code_snippets, captured_at, updated_at,
        row_number() OVER w AS n, count(*) OVER () AS remaining,
        sum(length(title) + length(content) + coalesce(length(url), 0) + length(features::text) + length(code_snippets::text)) OVER w AS running
      FROM ${tableIn(options, 'dream_fragments')}
      WHERE dream_id = ${dreamId} AND owner_id = $1 AND sort_key > ${after}
      WINDOW w AS (ORDER BY sort_key)
      ORDER BY sort_key LIMIT ${limit}) f
    WHERE n = 1 OR running <= ${chars}) p)`;
}

const fragmentView = (f: Json): FragmentView => ({
  fragmentId: f.fragment_id,
  title: f.title,
  content: f.content,
  source: f.source,
  url: f.url,
  mode: f.mode,
  features: f.features,
  codeSnippets: f.code_snippets,
  capturedAt: iso(f.captured_at)!,
  updatedAt: iso(f.updated_at)!,
});

export const encodeFragmentCursor = (sortKey: string): string => Buffer.from(`f:${sortKey}`).toString('base64url');

/** The sort key a cursor holds; 400 when it is not one of ours. */
export function decodeFragmentCursor(cursor: string): string {
  const match = /^f:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new ValidationError('cursor is not valid', [{ path: '/cursor', message: 'must be a cursor returned by a previous page' }]);
  return match[1]!;
}

/** The page a `fragmentPageSql` expression returned, after `skipped` fragments that came before it. */
export function toFragmentPage(rows: Json[], skipped = 0): FragmentPage {
  const remaining = rows.length ? Number(rows[0]!.remaining) : 0;
  const last = rows[rows.length - 1];
  return {
    fragments: rows.map(fragmentView),
    nextCursor: last && remaining > rows.length ? encodeFragmentCursor(last.cursor_key as string) : null,
    total: skipped + remaining,
  };
}

/** The fragments after `cursor` (from the start without one); undefined when the user has no such dream. */
export async function getFragmentPage(client: Queryable, userId: string, dreamId: string, cursor?: string, options?: QueryOptions): Promise<Omit<FragmentPage, 'total'> | undefined> {
  if (!isUuid(dreamId)) return undefined;
  const after = cursor === undefined ? '-9223372036854775808' : decodeFragmentCursor(cursor);
  const { rows } = await client.query<Json>(
    `SELECT ${fragmentPageSql(options, '$2::uuid', '$3::bigint', '$4', '$5')} AS fragments
     FROM ${tableIn(options, 'dream_detail')} WHERE owner_id = $1 AND dream_id = $2::uuid`,
    [userId, dreamId, after, FRAGMENT_PAGE_SIZE, FRAGMENT_PAGE_CHARS],
  );
  if (!rows[0]) return undefined;
  const { fragments, nextCursor } = toFragmentPage(rows[0].fragments as Json[]);
  return { fragments, nextCursor };
}
