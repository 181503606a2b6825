import type { Brand, Document, DreamStatus, Fragment, ImportOrigin, PipelineOSOptions, Todo } from '@dreamcatcher/contracts';
import type { RecordedDreamEvent } from './events.js';

export interface Implementation {
  status: 'none' | 'requested' | 'completed';
  requestedAt?: string;
  notes?: string;
  pipelineosProjectId?: string;
  ticketsCreated?: number;
  agentsAssigned?: string[];
  estimatedCompletion?: string;
  completedAt?: string;
}

export interface Sync {
  status: 'unsynced' | 'synced' | 'failed';
  pipelineosProjectId?: string;
  syncedAt?: string;
  reason?: string;
  failedAt?: string;
}

/**
 * A dream as folded from its stream. Plain JSON data (no Map, Set or Date), so the
 * state at any past revision can be served as it is. Timestamps come from the events'
 * `metadata.occurredAt` and stay unset when the folded events carry no metadata.
 */
export interface ExistingDream {
  exists: true;
  id: string;
  ownerId: string;
  status: DreamStatus;
  title: string;
  description?: string;
  summary?: string;
  brand: Brand;
  tags: string[];
  /** In capture order. */
  fragments: Fragment[];
  /** In the order they were added. */
  todos: Todo[];
  documents: Document[];
  implementation: Implementation;
  sync: Sync;
  /** The importing client and its own id for the dream (imports only). */
  origin?: ImportOrigin;
  /** What the importing client asked PipelineOS to do (imports only). */
  pipelineOSOptions?: PipelineOSOptions;
  createdAt?: string;
  updatedAt?: string;
  /** A deleted dream keeps its last state but refuses every command. */
  deleted: boolean;
}

/** The state of a stream: nothing yet, or a dream. */
export type Dream = { exists: false } | ExistingDream;

export const initialState = (): Dream => ({ exists: false });

/** Folds one event into the state; never throws, since recorded events are facts. */
export function evolve(state: Dream, event: RecordedDreamEvent): Dream {
  const at = event.metadata?.occurredAt;
  if (event.type === 'DreamCreated' || event.type === 'DreamImported') {
    const { dreamId, ownerId, title, description, summary, status, brand, tags } = event.data;
    const imported = event.type === 'DreamImported' ? event.data : undefined;
    return {
      exists: true,
      id: dreamId,
      ownerId,
      status,
      title,
      ...(description !== undefined && { description }),
      ...(summary !== undefined && { summary }),
      brand,
      tags: [...tags],
      fragments: imported ? [...imported.fragments] : [],
      todos: imported ? [...imported.todos] : [],
      documents: [],
      implementation: { status: 'none' },
      sync: { status: 'unsynced' },
      ...(imported?.origin !== undefined && { origin: { ...imported.origin } }),
      ...(imported?.pipelineOSOptions !== undefined && { pipelineOSOptions: { ...imported.pipelineOSOptions } }),
      ...(at !== undefined && { createdAt: at, updatedAt: at }),
      deleted: false,
    };
  }
  if (!state.exists) return state;
  const next = apply(state, event, at);
  return at === undefined ? next : { ...next, updatedAt: at };
}

function apply(dream: ExistingDream, event: RecordedDreamEvent, at: string | undefined): ExistingDream {
  switch (event.type) {
    case 'DreamCreated':
    case 'DreamImported':
      return dream; // handled in evolve: a (re)creation replaces the state
    case 'FragmentCaptured':
      return { ...dream, fragments: [...dream.fragments, event.data.fragment] };
    case 'FragmentEdited': {
      const { fragmentId, changes } = event.data;
      return { ...dream, fragments: dream.fragments.map((f) => (f.fragmentId === fragmentId ? { ...f, ...changes } : f)) };
    }
    case 'FragmentRemoved':
      return { ...dream, fragments: dream.fragments.filter((f) => f.fragmentId !== event.data.fragmentId) };
    case 'DreamDetailsChanged':
      return { ...dream, ...event.data.changes };
    case 'DreamStatusChanged':
      return { ...dream, status: event.data.to };
    case 'DreamArchived':
      return { ...dream, status: 'archived' };
    case 'DreamBrandChanged':
      return { ...dream, brand: event.data.to };
    case 'DreamTagged':
      return { ...dream, tags: [...dream.tags, ...event.data.tags.filter((t) => !dream.tags.includes(t))] };
    case 'DreamUntagged':
      return { ...dream, tags: dream.tags.filter((t) => !event.data.tags.includes(t)) };
    case 'TodoAdded':
      return { ...dream, todos: [...dream.todos, event.data.todo] };
    case 'TodoChanged': {
      const { todoId, changes } = event.data;
      return { ...dream, todos: dream.todos.map((t) => (t.todoId === todoId ? { ...t, ...changes } : t)) };
    }
    case 'TodoCompleted':
      return { ...dream, todos: dream.todos.map((t) => (t.todoId === event.data.todoId ? { ...t, status: 'completed' } : t)) };
    case 'TodoRemoved':
      return { ...dream, todos: dream.todos.filter((t) => t.todoId !== event.data.todoId) };
    case 'DocumentAttached':
      return { ...dream, documents: [...dream.documents, event.data.document] };
    case 'ImplementationRequested': {
      const { notes } = event.data;
      return {
        ...dream,
        implementation: { status: 'requested', ...(at !== undefined && { requestedAt: at }), ...(notes !== undefined && { notes }) },
      };
    }
    case 'ImplementationCompleted': {
      const { dreamId: _id, ...outcome } = event.data;
      return {
        ...dream,
        implementation: { ...dream.implementation, ...outcome, status: 'completed', ...(at !== undefined && { completedAt: at }) },
      };
    }
    case 'DreamSynced':
      return {
        ...dream,
        sync: { status: 'synced', pipelineosProjectId: event.data.pipelineosProjectId, ...(at !== undefined && { syncedAt: at }) },
      };
    case 'DreamSyncFailed': {
      // The last successful sync stays known: a failed retry does not unlink the project.
      const { pipelineosProjectId, syncedAt } = dream.sync;
      return {
        ...dream,
        sync: {
          status: 'failed',
          ...(pipelineosProjectId !== undefined && { pipelineosProjectId }),
          ...(syncedAt !== undefined && { syncedAt }),
          reason: event.data.reason,
          ...(at !== undefined && { failedAt: at }),
        },
      };
    }
    case 'DreamDeleted':
      return { ...dream, deleted: true };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
