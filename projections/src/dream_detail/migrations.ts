/** Tables of `dream_detail`: the dream, and its fragments, todos and documents in child tables. */
import type { PipelineOSOptions } from '@dreamcatcher/contracts';
import type { TableSpec } from '../runtime/table.js';
import type { SyncState } from '../shared/sync-state.js';

export interface Implementation {
  status: 'requested' | 'completed';
  notes: string | null;
  requestedAt: string | null;
  completedAt: string | null;
  pipelineosProjectId: string | null;
  ticketsCreated: number | null;
  agentsAssigned: string[];
  estimatedCompletion: string | null;
}

export interface DreamDetailRow {
  dream_id: string;
  owner_id: string;
  title: string;
  description: string | null;
  summary: string | null;
  status: string;
  brand: string;
  tags: string[];
  created_at: string;
  updated_at: string;
  revision: bigint;
  /** The importing client and its own id for the dream (imports from the extension). */
  origin_client: string | null;
  origin_local_id: string | null;
  /** What the importing client asked PipelineOS to do. */
  pipeline_os_options: PipelineOSOptions | null;
  pipelineos_project_id: string | null;
  implementation: Implementation | null;
  sync: SyncState;
}

export interface FragmentRow {
  dream_id: string;
  fragment_id: string;
  owner_id: string;
  /** Order of capture: the adding event's revision, then the place in an import. */
  sort_key: bigint;
  title: string;
  content: string;
  source: string;
  url: string | null;
  mode: string;
  features: string[];
  code_snippets: { language: string; code: string }[];
  captured_at: string;
  updated_at: string;
}

export interface TodoRow {
  dream_id: string;
  todo_id: string;
  owner_id: string;
  sort_key: bigint;
  title: string;
  description: string | null;
  category: string | null;
  priority: string;
  status: string;
  /** A date-time or a date, as given. */
  deadline: string | null;
  source: string;
  assigned_to: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

export interface DocumentRow {
  dream_id: string;
  document_id: string;
  owner_id: string;
  sort_key: bigint;
  title: string;
  file_name: string;
  file_type: string;
  size: bigint;
  attached_at: string;
}

export const dreamDetailTable: TableSpec<DreamDetailRow> = {
  name: 'dream_detail',
  columns: {
    dream_id: 'uuid',
    owner_id: 'text',
    title: 'text',
    description: 'text',
    summary: 'text',
    status: 'text',
    brand: 'text',
    tags: 'text[]',
    created_at: 'timestamptz',
    updated_at: 'timestamptz',
    revision: 'bigint',
    origin_client: 'text',
    origin_local_id: 'text',
    pipeline_os_options: 'jsonb',
    pipelineos_project_id: 'text',
    implementation: 'jsonb',
    sync: 'jsonb',
  },
  key: ['dream_id'],
  nullable: ['description', 'summary', 'pipelineos_project_id', 'implementation', 'origin_client', 'origin_local_id', 'pipeline_os_options'],
  indexes: { owner: '(owner_id)' },
  preloadBy: 'dream_id',
  ownerScoped: true,
  readable: true,
};

export const fragmentsTable: TableSpec<FragmentRow> = {
  name: 'dream_fragments',
  columns: {
    dream_id: 'uuid',
    fragment_id: 'uuid',
    owner_id: 'text',
    sort_key: 'bigint',
    title: 'text',
    content: 'text',
    source: 'text',
    url: 'text',
    mode: 'text',
    features: 'jsonb',
    code_snippets: 'jsonb',
    captured_at: 'timestamptz',
    updated_at: 'timestamptz',
  },
  key: ['dream_id', 'fragment_id'],
  nullable: ['url'],
  ownerScoped: true,
  readable: true,
};

export const todosTable: TableSpec<TodoRow> = {
  name: 'dream_todos',
  columns: {
    dream_id: 'uuid',
    todo_id: 'uuid',
    owner_id: 'text',
    sort_key: 'bigint',
    title: 'text',
    description: 'text',
    category: 'text',
    priority: 'text',
    status: 'text',
    deadline: 'text',
    source: 'text',
    assigned_to: 'text',
    created_at: 'timestamptz',
    updated_at: 'timestamptz',
    completed_at: 'timestamptz',
  },
  key: ['dream_id', 'todo_id'],
  nullable: ['description', 'category', 'deadline', 'assigned_to', 'completed_at'],
  ownerScoped: true,
  readable: true,
};

export const documentsTable: TableSpec<DocumentRow> = {
  name: 'dream_documents',
  columns: {
    dream_id: 'uuid',
    document_id: 'uuid',
    owner_id: 'text',
    sort_key: 'bigint',
    title: 'text',
    file_name: 'text',
    file_type: 'text',
    size: 'bigint',
    attached_at: 'timestamptz',
  },
  key: ['dream_id', 'document_id'],
  ownerScoped: true,
  readable: true,
};
