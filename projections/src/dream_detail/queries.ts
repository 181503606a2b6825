/** The detail of one dream: the summary fields with its fragments, todos, documents, implementation, sync state and revision. */
import { importOriginView, type ImportOriginColumns } from '../shared/import-origin.js';
import { isUuid, tableIn, type Queryable, type QueryOptions } from '../shared/query.js';
import { iso } from '../shared/time.js';
import type { SyncState } from '../shared/sync-state.js';
import type { DreamSummary } from '../dream_summary/queries.js';
import { FRAGMENT_PAGE_CHARS, FRAGMENT_PAGE_SIZE, fragmentPageSql, toFragmentPage, type FragmentView } from './fragment-page.js';
import type { Implementation } from './migrations.js';

export type { FragmentView };

// Children are named fragmentId/todoId/documentId, as in the events, the commands and the API paths.
export interface TodoView {
  todoId: string;
  title: string;
  description: string | null;
  category: string | null;
  priority: string;
  status: string;
  deadline: string | null;
  source: string;
  assignedTo: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

export interface DocumentView {
  documentId: string;
  title: string;
  fileName: string;
  fileType: string;
  size: number;
  attachedAt: string;
}

export interface DreamDetail extends DreamSummary {
  summary: string | null;
  /** The first page of fragments; `fragmentCount` says how many there are in all. */
  fragments: FragmentView[];
  /** Where `GET /dreams/:id/fragments?cursor=` goes on; null when `fragments` holds them all. */
  fragmentsNextCursor: string | null;
  todos: TodoView[];
  documents: DocumentView[];
  implementation: Implementation | null;
  sync: SyncState;
  /** The dream's stream revision (decimal string): its ETag. */
  revision: string;
}

type Json = Record<string, any>;

// One statement, so the dream and its children come from one snapshot even while a batch commits.
function detailSql(options: QueryOptions | undefined): string {
  const children = (table: string, columns: string) =>
    `(SELECT coalesce(json_agg(c ORDER BY c.sort_key), '[]') FROM (SELECT ${columns} FROM ${tableIn(options, table)} WHERE dream_id = d.dream_id AND owner_id = $1) c)`;
  return `SELECT d.*,
    ${fragmentPageSql(options, 'd.dream_id', '-9223372036854775808', '$3', '$4')} AS fragments,
    ${children('dream_todos', 'todo_id, sort_key, title, description, category, priority, status, deadline, source, assigned_to, created_at, updated_at, completed_at')} AS todos,
    ${children('dream_documents', 'document_id, sort_key, title, file_name, file_type, size, attached_at')} AS documents
  FROM ${tableIn(options, 'dream_detail')} d WHERE d.owner_id = $1 AND d.dream_id = $2::uuid`;
}

const todoView = (t: Json): TodoView => ({
  todoId: t.todo_id,
  title: t.title,
  description: t.description,
  category: t.category,
  priority: t.priority,
  status: t.status,
  deadline: t.deadline,
  source: t.source,
  assignedTo: t.assigned_to,
  createdAt: iso(t.created_at)!,
  updatedAt: iso(t.updated_at)!,
  completedAt: iso(t.completed_at),
});

const documentView = (d: Json): DocumentView => ({
  documentId: d.document_id,
  title: d.title,
  fileName: d.file_name,
  fileType: d.file_type,
  size: Number(d.size),
  attachedAt: iso(d.attached_at)!,
});

/** The dream's detail, or undefined when the user has no such dream. */
export async function getDreamDetail(client: Queryable, userId: string, dreamId: string, options?: QueryOptions): Promise<DreamDetail | undefined> {
  if (!isUuid(dreamId)) return undefined;
  const { rows } = await client.query<Json>(detailSql(options), [userId, dreamId, FRAGMENT_PAGE_SIZE, FRAGMENT_PAGE_CHARS]);
  const row = rows[0];
  if (!row) return undefined;
  const page = toFragmentPage(row.fragments as Json[]);
  const todos = (row.todos as Json[]).map(todoView);
  const documents = (row.documents as Json[]).map(documentView);
  const sync = row.sync as SyncState;
  return {
    id: row.dream_id,
    title: row.title,
    description: row.description,
    summary: row.summary,
    status: row.status,
    brand: row.brand,
    tags: row.tags,
    fragmentCount: page.total,
    todoCount: todos.length,
    completedTodos: todos.filter((todo) => todo.status === 'completed').length,
    documentCount: documents.length,
    synced: sync.status === 'synced',
    pipelineosProjectId: row.pipelineos_project_id,
    created: iso(row.created_at)!,
    updated: iso(row.updated_at)!,
    fragments: page.fragments,
    fragmentsNextCursor: page.nextCursor,
    todos,
    documents,
    implementation: row.implementation,
    sync,
    revision: String(row.revision),
    ...importOriginView(row as unknown as ImportOriginColumns),
  };
}
