/** Tables of `user_activity`: per user, counts and the last activity; per dream, what it adds to them. */
import type { TableSpec } from '../runtime/table.js';
import type { TodoStates } from '../shared/todo-states.js';

export interface UserActivityRow {
  owner_id: string;
  dreams: number;
  fragments: number;
  todos: number;
  completed_todos: number;
  last_update: string | null;
  last_capture: string | null;
}

/** Internal: what one dream contributes to its owner's counts. */
export interface DreamActivityRow {
  dream_id: string;
  owner_id: string;
  fragments: number;
  todo_states: TodoStates;
}

export const userActivityTable: TableSpec<UserActivityRow> = {
  name: 'user_activity',
  columns: {
    owner_id: 'text',
    dreams: 'int',
    fragments: 'int',
    todos: 'int',
    completed_todos: 'int',
    last_update: 'timestamptz',
    last_capture: 'timestamptz',
  },
  key: ['owner_id'],
  nullable: ['last_update', 'last_capture'],
  counters: { sum: ['dreams', 'fragments', 'todos', 'completed_todos'], max: ['last_update', 'last_capture'] },
  ownerScoped: true,
  readable: true,
};

export const dreamActivityTable: TableSpec<DreamActivityRow> = {
  name: 'user_activity_dreams',
  columns: { dream_id: 'uuid', owner_id: 'text', fragments: 'int', todo_states: 'jsonb' },
  key: ['dream_id'],
  preloadBy: 'dream_id',
  ownerScoped: true,
};
