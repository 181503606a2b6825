/** How one event changes a dream's summary row: pure, so it is specified without a database. */
import { importOrigin } from '../shared/import-origin.js';
import { occurredAt } from '../shared/time.js';
import { countTodos, withTodos, withTodoStatus, withoutTodo, type TodoStates } from '../shared/todo-states.js';
import type { DreamEvent } from '../runtime/events.js';
import type { DreamSummaryRow } from './migrations.js';

function withCounts(row: DreamSummaryRow, todoStates: TodoStates): DreamSummaryRow {
  const { todos, completed } = countTodos(todoStates);
  return { ...row, todo_states: todoStates, todo_count: todos, completed_todos: completed };
}

/** The row after `event`; undefined when the dream is gone (deleted) or was never seen. */
export function evolveSummary(row: DreamSummaryRow | undefined, event: DreamEvent): DreamSummaryRow | undefined {
  const at = occurredAt(event);
  if (event.type === 'DreamCreated' || event.type === 'DreamImported') {
    const { data } = event;
    const imported = event.type === 'DreamImported' ? event.data : undefined;
    const fresh: DreamSummaryRow = {
      dream_id: data.dreamId,
      owner_id: data.ownerId,
      title: data.title,
      description: data.description ?? null,
      status: data.status,
      brand: data.brand,
      tags: [...data.tags],
      created_at: at,
      updated_at: at,
      synced: false,
      pipelineos_project_id: null,
      fragment_count: imported?.fragments.length ?? 0,
      todo_count: 0,
      completed_todos: 0,
      document_count: 0,
      todo_states: {},
      revision: event.revision,
      ...importOrigin(event),
    };
    return withCounts(fresh, withTodos({}, imported?.todos ?? []));
  }
  if (!row) return undefined;
  const next: DreamSummaryRow = { ...row, updated_at: at, revision: event.revision };
  switch (event.type) {
    case 'FragmentCaptured':
      return { ...next, fragment_count: row.fragment_count + 1 };
    case 'FragmentRemoved':
      return { ...next, fragment_count: Math.max(0, row.fragment_count - 1) };
    case 'FragmentEdited':
    case 'ImplementationRequested':
      return next;
    case 'DreamSyncFailed':
      return { ...next, synced: false };
    case 'DreamDetailsChanged': {
      const { title, description } = event.data.changes;
      return { ...next, title: title ?? row.title, description: description ?? row.description };
    }
    case 'DreamStatusChanged':
      return { ...next, status: event.data.to };
    case 'DreamArchived':
      return { ...next, status: 'archived' };
    case 'DreamBrandChanged':
      return { ...next, brand: event.data.to };
    case 'DreamTagged':
      return { ...next, tags: [...row.tags, ...event.data.tags.filter((tag) => !row.tags.includes(tag))] };
    case 'DreamUntagged':
      return { ...next, tags: row.tags.filter((tag) => !event.data.tags.includes(tag)) };
    case 'TodoAdded':
      return withCounts(next, withTodos(row.todo_states, [event.data.todo]));
    case 'TodoChanged':
      return event.data.changes.status ? withCounts(next, withTodoStatus(row.todo_states, event.data.todoId, event.data.changes.status)) : next;
    case 'TodoCompleted':
      return withCounts(next, withTodoStatus(row.todo_states, event.data.todoId, 'completed'));
    case 'TodoRemoved':
      return withCounts(next, withoutTodo(row.todo_states, event.data.todoId));
    case 'DocumentAttached':
      return { ...next, document_count: row.document_count + 1 };
    case 'ImplementationCompleted':
      return { ...next, pipelineos_project_id: row.pipelineos_project_id ?? event.data.pipelineosProjectId };
    case 'DreamSynced':
      return { ...next, synced: true, pipelineos_project_id: event.data.pipelineosProjectId };
    case 'DreamDeleted':
      return undefined;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
