import { ConflictError, NotFoundError } from '@dreamcatcher/service-kit/errors';
import type { ChangeTodo as ChangeTodoData, Todo, TodoChanged } from '@dreamcatcher/contracts';
import { dreamFor } from './access.js';
import type { AddTodo, ChangeTodo, CompleteTodo, RemoveTodo, ReplaceTodos, ReplaceTodosData } from './commands.js';
import type { DreamEvent } from './events.js';
import { itemTitle, optional, todoPriority, todoSource, todoStatus, uniqueIds, Violations } from './rules.js';
import type { Dream, ExistingDream } from './state.js';

type TodoInput = Omit<ReplaceTodosData['todos'][number], 'newTodo'>;
// Picked, not omitted: the generated ChangeTodo has an index signature, which Omit would keep alone.
type TodoPatch = Pick<ChangeTodoData, 'title' | 'description' | 'category' | 'priority' | 'status' | 'deadline' | 'assignedTo'>;

/** A todo with the catalogue's defaults: priority `medium`, status `pending`, source `manual`. */
export function newTodo(input: TodoInput, path: string, violations: Violations): Todo {
  return {
    todoId: input.todoId,
    title: itemTitle(input.title, `${path}/title`, violations),
    ...optional('description', input.description),
    ...optional('category', input.category),
    priority: todoPriority(input.priority, `${path}/priority`, violations),
    status: todoStatus(input.status, `${path}/status`, violations),
    ...optional('deadline', input.deadline),
    source: todoSource(input.source, `${path}/source`, violations),
    ...optional('assignedTo', input.assignedTo),
  };
}

/** `next` when it is given and differs from `current`. */
const changed = <K extends string, V>(key: K, next: V | undefined, current: V | undefined) =>
  optional(key, next === current ? undefined : next);

/**
 * What a patch changes on a todo. Completion is its own fact (TodoCompleted), so
 * `status: completed` is reported as `completes`, never inside `changes`.
 */
function diffTodo(todo: Todo, patch: TodoPatch, path: string, violations: Violations) {
  const title = patch.title === undefined ? undefined : itemTitle(patch.title, `${path}/title`, violations);
  const priority = patch.priority === undefined ? undefined : todoPriority(patch.priority, `${path}/priority`, violations);
  const status = patch.status === undefined ? undefined : todoStatus(patch.status, `${path}/status`, violations);
  const changes: TodoChanged['changes'] = {
    ...changed('title', title, todo.title),
    ...changed('description', patch.description, todo.description),
    ...changed('category', patch.category, todo.category),
    ...changed('priority', priority, todo.priority),
    ...(status !== undefined && status !== 'completed' && status !== todo.status && { status }),
    ...changed('deadline', patch.deadline, todo.deadline),
    ...changed('assignedTo', patch.assignedTo, todo.assignedTo),
  };
  return { changes, completes: status === 'completed' && todo.status !== 'completed' };
}

const todoExists = (todoId: string) => new ConflictError(`Todo ${todoId} already exists`, 'todo_exists', { todoId });

function findTodo(dream: ExistingDream, todoId: string): Todo {
  const todo = dream.todos.find((t) => t.todoId === todoId);
  if (!todo) throw new NotFoundError('Todo not found');
  return todo;
}

export function addTodo({ data, metadata }: AddTodo, state: Dream): DreamEvent[] {
  const dream = dreamFor(state, metadata);
  const violations = new Violations();
  const { dreamId: _dreamId, ...input } = data;
  const todo = newTodo(input, '', violations);
  violations.throwIfAny();
  if (dream.todos.some((t) => t.todoId === todo.todoId)) throw todoExists(todo.todoId);
  return [{ type: 'TodoAdded', data: { dreamId: dream.id, todo } }];
}

/** TodoChanged for the fields that differ, then TodoCompleted when it becomes completed. */
export function changeTodo({ data, metadata }: ChangeTodo, state: Dream): DreamEvent[] {
  const dream = dreamFor(state, metadata);
  const { dreamId: _dreamId, todoId, ...patch } = data;
  const todo = findTodo(dream, todoId);
  const violations = new Violations();
  const { changes, completes } = diffTodo(todo, patch, '', violations);
  violations.throwIfAny();
  const events: DreamEvent[] = [];
  if (Object.keys(changes).length > 0) events.push({ type: 'TodoChanged', data: { dreamId: dream.id, todoId, changes } });
  if (completes) events.push({ type: 'TodoCompleted', data: { dreamId: dream.id, todoId } });
  return events;
}

export function completeTodo({ data, metadata }: CompleteTodo, state: Dream): DreamEvent[] {
  const dream = dreamFor(state, metadata);
  const todo = findTodo(dream, data.todoId);
  if (todo.status === 'completed') return [];
  return [{ type: 'TodoCompleted', data: { dreamId: dream.id, todoId: todo.todoId } }];
}

export function removeTodo({ data, metadata }: RemoveTodo, state: Dream): DreamEvent[] {
  const dream = dreamFor(state, metadata);
  const todo = findTodo(dream, data.todoId);
  return [{ type: 'TodoRemoved', data: { dreamId: dream.id, todoId: todo.todoId } }];
}

/**
 * The list made equal to the given one, as a diff in a stable order: removals (in the
 * current order), then changes, completions and additions (in the given order). Items
 * with a known id keep whatever they leave out (events cannot unset a field, and `source`
 * is not changeable); the list's order itself is not recorded. See ReplaceTodosData for
 * how `newTodo` decides between adding, 404 and 409.
 */
export function replaceTodos({ data, metadata }: ReplaceTodos, state: Dream): DreamEvent[] {
  const dream = dreamFor(state, metadata);
  const dreamId = dream.id;
  const violations = new Violations();
  const ids = data.todos.map((t) => t.todoId);
  uniqueIds(ids, '/todos', 'todoId', violations);

  const removed: DreamEvent[] = dream.todos
    .filter((t) => !ids.includes(t.todoId))
    .map((t) => ({ type: 'TodoRemoved', data: { dreamId, todoId: t.todoId } }));
  const changes: DreamEvent[] = [];
  const completions: DreamEvent[] = [];
  const additions: DreamEvent[] = [];
  data.todos.forEach((item, index) => {
    const path = `/todos/${index}`;
    const current = dream.todos.find((t) => t.todoId === item.todoId);
    if (current && item.newTodo === true) throw todoExists(item.todoId);
    if (!current && item.newTodo === false) throw new NotFoundError('Todo not found');
    if (!current) {
      const { newTodo: _new, ...input } = item;
      additions.push({ type: 'TodoAdded', data: { dreamId, todo: newTodo(input, path, violations) } });
      return;
    }
    const { todoId, source: _source, newTodo: _new, ...patch } = item;
    const diff = diffTodo(current, patch, path, violations);
    if (Object.keys(diff.changes).length > 0) changes.push({ type: 'TodoChanged', data: { dreamId, todoId, changes: diff.changes } });
    if (diff.completes) completions.push({ type: 'TodoCompleted', data: { dreamId, todoId } });
  });
  violations.throwIfAny();
  return [...removed, ...changes, ...completions, ...additions];
}
