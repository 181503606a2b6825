/** Queries on `dream_summary`: the list of a user's dreams, and a dream's statistics (served from the summary's counts). */
import { clampLimit, isUuid, tableIn, type Queryable, type QueryOptions } from '../shared/query.js';
import { iso } from '../shared/time.js';
import { decodeCursor, encodeCursor } from './cursor.js';

export interface DreamSummary {
  id: string;
  title: string;
  description: string | null;
  status: string;
  brand: string;
  tags: string[];
  fragmentCount: number;
  todoCount: number;
  completedTodos: number;
  documentCount: number;
  synced: boolean;
  pipelineosProjectId: string | null;
  created: string;
  updated: string;
}

export interface ListDreamsOptions extends QueryOptions {
  brand?: string;
  status?: string;
  tag?: string;
  /** Full-text filter over title and description (web search syntax). */
  q?: string;
  /** 1..100, default 20. */
  limit?: number;
  cursor?: string;
}

export interface DreamStatistics {
  fragmentCount: number;
  todoCount: number;
  completedTodos: number;
  documentCount: number;
  /** Completed todos as a whole percentage of all todos (0 without todos). */
  completionPercentage: number;
}

interface SummaryRecord {
  dream_id: string;
  title: string;
  description: string | null;
  status: string;
  brand: string;
  tags: string[];
  fragment_count: number;
  todo_count: number;
  completed_todos: number;
  document_count: number;
  synced: boolean;
  pipelineos_project_id: string | null;
  created_at: Date;
  updated_at: Date;
  updated_key: string;
}

const COLUMNS = `dream_id, title, description, status, brand, tags, fragment_count, todo_count, completed_todos, document_count,
  synced, pipelineos_project_id, created_at, updated_at, to_json(updated_at) #>> '{}' AS updated_key`;

export function toSummary(row: Omit<SummaryRecord, 'updated_key'>): DreamSummary {
  return {
    id: row.dream_id,
    title: row.title,
    description: row.description,
    status: row.status,
    brand: row.brand,
    tags: row.tags,
    fragmentCount: row.fragment_count,
    todoCount: row.todo_count,
    completedTodos: row.completed_todos,
    documentCount: row.document_count,
    synced: row.synced,
    pipelineosProjectId: row.pipelineos_project_id,
    created: iso(row.created_at)!,
    updated: iso(row.updated_at)!,
  };
}

/** A page of the user's dreams, most recently updated first; `nextCursor` is null on the last page. */
export async function listDreams(
  client: Queryable,
  userId: string,
  options: ListDreamsOptions = {},
): Promise<{ items: DreamSummary[]; nextCursor: string | null }> {
  const limit = clampLimit(options.limit);
  const values: unknown[] = [userId];
  const where = ['owner_id = $1'];
  const param = (value: unknown) => `$${values.push(value)}`;
  if (options.brand) where.push(`brand = ${param(options.brand)}`);
  if (options.status) where.push(`status = ${param(options.status)}`);
  if (options.tag) where.push(`tags @> ARRAY[${param(options.tag)}::text]`);
  if (options.q?.trim()) where.push(`search_vector @@ websearch_to_tsquery('english', ${param(options.q)})`);
  if (options.cursor) {
    const cursor = decodeCursor(options.cursor);
    where.push(`(updated_at, dream_id) < (${param(cursor.updatedAt)}::timestamptz, ${param(cursor.id)}::uuid)`);
  }
  const { rows } = await client.query<SummaryRecord>(
    `SELECT ${COLUMNS} FROM ${tableIn(options, 'dream_summary')} WHERE ${where.join(' AND ')}
     ORDER BY updated_at DESC, dream_id DESC LIMIT ${limit + 1}`,
    values,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toSummary),
    nextCursor: rows.length > limit && last ? encodeCursor({ updatedAt: last.updated_key, id: last.dream_id }) : null,
  };
}

/** A dream's summary, or undefined when the user has no such dream. */
export async function getDreamSummary(client: Queryable, userId: string, dreamId: string, options?: QueryOptions): Promise<DreamSummary | undefined> {
  if (!isUuid(dreamId)) return undefined;
  const { rows } = await client.query<SummaryRecord>(
    `SELECT ${COLUMNS} FROM ${tableIn(options, 'dream_summary')} WHERE owner_id = $1 AND dream_id = $2::uuid`,
    [userId, dreamId],
  );
  return rows[0] && toSummary(rows[0]);
}

/**
 * The user's dream titled `name` (trimmed, case-insensitively) that is not archived, the
 * oldest when several are: where a capture by name goes. Undefined when there is none.
 */
export async function findDreamByName(client: Queryable, userId: string, name: string, options?: QueryOptions): Promise<DreamSummary | undefined> {
  const { rows } = await client.query<SummaryRecord>(
    `SELECT ${COLUMNS} FROM ${tableIn(options, 'dream_summary')}
     WHERE owner_id = $1 AND lower(btrim(title)) = lower(btrim($2)) AND status <> 'archived'
     ORDER BY created_at, dream_id LIMIT 1`,
    [userId, name],
  );
  return rows[0] && toSummary(rows[0]);
}

export function statisticsOf(counts: Pick<DreamSummary, 'fragmentCount' | 'todoCount' | 'completedTodos' | 'documentCount'>): DreamStatistics {
  const { fragmentCount, todoCount, completedTodos, documentCount } = counts;
  return { fragmentCount, todoCount, completedTodos, documentCount, completionPercentage: todoCount ? Math.round((completedTodos * 100) / todoCount) : 0 };
}

/** A dream's statistics, from the counts `dream_summary` keeps; undefined when the user has no such dream. */
export async function getDreamStatistics(client: Queryable, userId: string, dreamId: string, options?: QueryOptions): Promise<DreamStatistics | undefined> {
  const summary = await getDreamSummary(client, userId, dreamId, options);
  return summary && statisticsOf(summary);
}
