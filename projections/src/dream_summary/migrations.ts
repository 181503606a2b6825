/** The `dream_summary` table: one row per dream, everything a list shows and filters by. */
import type { PipelineOSOptions } from '@dreamcatcher/contracts';
import type { TodoStates } from '../shared/todo-states.js';
import type { TableSpec } from '../runtime/table.js';
import { boundedSearchVector } from '../shared/text-index.js';

export interface DreamSummaryRow {
  dream_id: string;
  owner_id: string;
  title: string;
  description: string | null;
  status: string;
  brand: string;
  tags: string[];
  created_at: string;
  updated_at: string;
  synced: boolean;
  pipelineos_project_id: string | null;
  fragment_count: number;
  todo_count: number;
  completed_todos: number;
  document_count: number;
  /** Internal: each todo's status, to keep the two todo counts right. */
  todo_states: TodoStates;
  revision: bigint;
  /** The importing client and its own id for the dream (imports from the extension). */
  origin_client: string | null;
  origin_local_id: string | null;
  /** What the importing client asked PipelineOS to do. */
  pipeline_os_options: PipelineOSOptions | null;
}

export const dreamSummaryTable: TableSpec<DreamSummaryRow> = {
  name: 'dream_summary',
  columns: {
    dream_id: 'uuid',
    owner_id: 'text',
    title: 'text',
    description: 'text',
    status: 'text',
    brand: 'text',
    tags: 'text[]',
    created_at: 'timestamptz',
    updated_at: 'timestamptz',
    synced: 'boolean',
    pipelineos_project_id: 'text',
    fragment_count: 'int',
    todo_count: 'int',
    completed_todos: 'int',
    document_count: 'int',
    todo_states: 'jsonb',
    revision: 'bigint',
    origin_client: 'text',
    origin_local_id: 'text',
    pipeline_os_options: 'jsonb',
  },
  key: ['dream_id'],
  nullable: ['description', 'pipelineos_project_id', 'origin_client', 'origin_local_id', 'pipeline_os_options'],
  generated: {
    search_vector: boundedSearchVector('english', [
      { sql: 'title', weight: 'A' },
      { sql: 'description', weight: 'B' },
    ]),
  },
  // Lists are keyset-paginated by (updated_at DESC, dream_id DESC) within one owner,
  // optionally filtered by brand, status, tag or text.
  indexes: {
    owner_updated: '(owner_id, updated_at DESC, dream_id DESC)',
    owner_brand_updated: '(owner_id, brand, updated_at DESC, dream_id DESC)',
    owner_status_updated: '(owner_id, status, updated_at DESC, dream_id DESC)',
    tags: 'USING gin (tags)',
    search: 'USING gin (search_vector)',
  },
  preloadBy: 'dream_id',
  ownerScoped: true,
  readable: true,
};
