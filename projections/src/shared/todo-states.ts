/**
 * Todo counts need each todo's status: removing a completed todo lowers the completed
 * count, reopening one lowers it too. Projections that only count keep this small map
 * (todo id -> status) instead of the todos themselves.
 */
import type { Todo, TodoStatus } from '@dreamcatcher/contracts';

export type TodoStates = Record<string, TodoStatus>;

export interface TodoCounts {
  todos: number;
  completed: number;
}

export function countTodos(states: TodoStates): TodoCounts {
  const statuses = Object.values(states);
  return { todos: statuses.length, completed: statuses.filter((status) => status === 'completed').length };
}

export function withTodos(states: TodoStates, todos: Pick<Todo, 'todoId' | 'status'>[]): TodoStates {
  const next = { ...states };
  for (const todo of todos) next[todo.todoId.toLowerCase()] = todo.status;
  return next;
}

export function withTodoStatus(states: TodoStates, todoId: string, status: TodoStatus): TodoStates {
  const id = todoId.toLowerCase();
  return id in states ? { ...states, [id]: status } : states;
}

export function withoutTodo(states: TodoStates, todoId: string): TodoStates {
  const { [todoId.toLowerCase()]: _removed, ...rest } = states;
  return rest;
}
