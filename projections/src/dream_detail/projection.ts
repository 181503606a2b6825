/**
 * `dream_detail`: a dream with its fragments, todos, documents, implementation and sync
 * state. Children live in their own tables and are changed by key, so a capture never
 * loads a dream's other fragments. After each batch it announces the dreams it changed on
 * `dream_changes` (delivered on commit) for the gateway's live updates.
 */
import type { Fragment, Todo } from '@dreamcatcher/contracts';
import { ALL_DREAM_EVENTS } from '../shared/event-types.js';
import { occurredAt } from '../shared/time.js';
import { DREAM_CHANGES_CHANNEL } from '../runtime/names.js';
import type { DreamEvent } from '../runtime/events.js';
import type { Projection, ProjectionTx } from '../runtime/projection.js';
import { accumulate, dreamChangeKind, encodeDreamChange, type ChangeSoFar } from './changes.js';
import { evolveDetail } from './evolve.js';
import { documentsTable, dreamDetailTable, fragmentsTable, todosTable, type FragmentRow, type TodoRow } from './migrations.js';

// Children keep the order they were added in: the adding event's revision, then the index within an import.
const sortKey = (revision: bigint, index = 0) => revision * 10_000n + BigInt(index);

function fragmentRow(dreamId: string, ownerId: string, fragment: Fragment, key: bigint, at: string): FragmentRow {
  return {
    dream_id: dreamId,
    fragment_id: fragment.fragmentId,
    owner_id: ownerId,
    sort_key: key,
    title: fragment.title,
    content: fragment.content,
    source: fragment.source,
    url: fragment.url ?? null,
    mode: fragment.mode,
    features: fragment.features,
    code_snippets: fragment.codeSnippets,
    captured_at: fragment.capturedAt,
    updated_at: at,
  };
}

function todoRow(dreamId: string, ownerId: string, todo: Todo, key: bigint, at: string): TodoRow {
  return {
    dream_id: dreamId,
    todo_id: todo.todoId,
    owner_id: ownerId,
    sort_key: key,
    title: todo.title,
    description: todo.description ?? null,
    category: todo.category ?? null,
    priority: todo.priority,
    status: todo.status,
    deadline: todo.deadline ?? null,
    source: todo.source,
    assigned_to: todo.assignedTo ?? null,
    created_at: at,
    updated_at: at,
    completed_at: todo.status === 'completed' ? at : null,
  };
}

function applyToChildren(tx: ProjectionTx, event: DreamEvent, ownerId: string): void {
  const at = occurredAt(event);
  const dreamId = event.data.dreamId;
  const fragments = tx.table(fragmentsTable);
  const todos = tx.table(todosTable);
  switch (event.type) {
    case 'DreamImported':
      event.data.fragments.forEach((fragment, index) => fragments.put(fragmentRow(dreamId, ownerId, fragment, sortKey(event.revision, index), at)));
      event.data.todos.forEach((todo, index) => todos.put(todoRow(dreamId, ownerId, todo, sortKey(event.revision, index), at)));
      return;
    case 'FragmentCaptured':
      return fragments.put(fragmentRow(dreamId, ownerId, event.data.fragment, sortKey(event.revision), at));
    case 'FragmentEdited': {
      const { title, content, url, features, codeSnippets } = event.data.changes;
      const changes: Partial<FragmentRow> = { updated_at: at };
      if (title !== undefined) changes.title = title;
      if (content !== undefined) changes.content = content;
      if (url !== undefined) changes.url = url;
      if (features !== undefined) changes.features = features;
      if (codeSnippets !== undefined) changes.code_snippets = codeSnippets;
      return fragments.patch({ dream_id: dreamId, fragment_id: event.data.fragmentId }, changes);
    }
    case 'FragmentRemoved':
      return fragments.delete({ dream_id: dreamId, fragment_id: event.data.fragmentId });
    case 'TodoAdded':
      return todos.put(todoRow(dreamId, ownerId, event.data.todo, sortKey(event.revision), at));
    case 'TodoChanged': {
      const { status, assignedTo, ...rest } = event.data.changes;
      const changes: Partial<TodoRow> = { ...rest, updated_at: at };
      if (assignedTo !== undefined) changes.assigned_to = assignedTo;
      // TodoChanged never completes a todo, so any status it sets reopens or cancels one.
      if (status !== undefined) Object.assign(changes, { status, completed_at: null });
      return todos.patch({ dream_id: dreamId, todo_id: event.data.todoId }, changes);
    }
    case 'TodoCompleted':
      return todos.patch({ dream_id: dreamId, todo_id: event.data.todoId }, { status: 'completed', completed_at: at, updated_at: at });
    case 'TodoRemoved':
      return todos.delete({ dream_id: dreamId, todo_id: event.data.todoId });
    case 'DocumentAttached': {
      const { documentId, title, fileName, fileType, size } = event.data.document;
      return tx.table(documentsTable).put({
        dream_id: dreamId,
        document_id: documentId,
        owner_id: ownerId,
        sort_key: sortKey(event.revision),
        title,
        file_name: fileName,
        file_type: fileType,
        size: BigInt(size),
        attached_at: at,
      });
    }
    case 'DreamDeleted':
      fragments.deleteWhere('dream_id', dreamId);
      todos.deleteWhere('dream_id', dreamId);
      tx.table(documentsTable).deleteWhere('dream_id', dreamId);
      return;
    default:
      return;
  }
}

// One unit of work per batch: what each dream's notification has said so far in it.
const batches = new WeakMap<object, Map<string, ChangeSoFar>>();

export const dreamDetailProjection: Projection = {
  name: 'dream_detail',
  handles: ALL_DREAM_EVENTS,
  tables: [dreamDetailTable, fragmentsTable, todosTable, documentsTable],
  apply(tx, event) {
    const dreams = tx.table(dreamDetailTable);
    const row = dreams.get(event.data.dreamId);
    const next = evolveDetail(row, event);
    const ownerId = next?.owner_id ?? row?.owner_id;
    if (!ownerId) return;
    if (next) dreams.put(next);
    else dreams.delete({ dream_id: event.data.dreamId });
    applyToChildren(tx, event, ownerId);
    const kind = dreamChangeKind(event.type);
    const key = `${event.data.dreamId}:${kind}`;
    const batch = batches.get(tx) ?? new Map<string, ChangeSoFar>();
    batches.set(tx, batch);
    const captured = event.type === 'FragmentCaptured' ? event.data.fragment.fragmentId : undefined;
    const soFar = accumulate(batch.get(key) ?? { types: [], fragmentIds: [] }, event.type, captured);
    batch.set(key, soFar);
    const change = { ownerId, dreamId: event.data.dreamId, position: event.position.toString(), revision: event.revision.toString(), kind, ...soFar };
    // A later event of the batch replaces this notification (same key), carrying what this one said.
    tx.notify(DREAM_CHANGES_CHANNEL, encodeDreamChange(change), key);
  },
};
