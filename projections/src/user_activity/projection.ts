/** `user_activity`: per user, how many dreams, fragments and todos they have, and when they last did something or captured. */
import { ALL_DREAM_EVENTS } from '../shared/event-types.js';
import { occurredAt } from '../shared/time.js';
import { difference, type Counts } from '../shared/contribution.js';
import { countTodos, withTodos, withTodoStatus, withoutTodo } from '../shared/todo-states.js';
import type { DreamEvent } from '../runtime/events.js';
import type { Projection } from '../runtime/projection.js';
import { dreamActivityTable, userActivityTable, type DreamActivityRow } from './migrations.js';

function contribution(row: DreamActivityRow | undefined): Counts | undefined {
  if (!row) return undefined;
  const { todos, completed } = countTodos(row.todo_states);
  return { dreams: 1, fragments: row.fragments, todos, completed_todos: completed };
}

function evolve(row: DreamActivityRow | undefined, event: DreamEvent): DreamActivityRow | undefined {
  switch (event.type) {
    case 'DreamCreated':
      return { dream_id: event.data.dreamId, owner_id: event.data.ownerId, fragments: 0, todo_states: {} };
    case 'DreamImported':
      return { dream_id: event.data.dreamId, owner_id: event.data.ownerId, fragments: event.data.fragments.length, todo_states: withTodos({}, event.data.todos) };
    case 'DreamDeleted':
      return undefined;
    default:
      break;
  }
  if (!row) return undefined;
  switch (event.type) {
    case 'FragmentCaptured':
      return { ...row, fragments: row.fragments + 1 };
    case 'FragmentRemoved':
      return { ...row, fragments: Math.max(0, row.fragments - 1) };
    case 'TodoAdded':
      return { ...row, todo_states: withTodos(row.todo_states, [event.data.todo]) };
    case 'TodoChanged':
      return event.data.changes.status ? { ...row, todo_states: withTodoStatus(row.todo_states, event.data.todoId, event.data.changes.status) } : row;
    case 'TodoCompleted':
      return { ...row, todo_states: withTodoStatus(row.todo_states, event.data.todoId, 'completed') };
    case 'TodoRemoved':
      return { ...row, todo_states: withoutTodo(row.todo_states, event.data.todoId) };
    default:
      return row;
  }
}

const isCapture = (event: DreamEvent) => event.type === 'FragmentCaptured' || (event.type === 'DreamImported' && event.data.fragments.length > 0);

export const userActivityProjection: Projection = {
  name: 'user_activity',
  handles: ALL_DREAM_EVENTS,
  tables: [userActivityTable, dreamActivityTable],
  apply(tx, event) {
    const dreams = tx.table(dreamActivityTable);
    const before = dreams.get(event.data.dreamId);
    const after = evolve(before, event);
    const owner = after?.owner_id ?? before?.owner_id;
    if (!owner) return;
    if (after) {
      if (after !== before) dreams.put(after);
    } else {
      dreams.delete({ dream_id: event.data.dreamId });
    }
    const at = occurredAt(event);
    tx.table(userActivityTable).add({ owner_id: owner }, difference(contribution(after), contribution(before)), {
      last_update: at,
      ...(isCapture(event) ? { last_capture: at } : {}),
    });
  },
};
