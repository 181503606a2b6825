/** A user's activity: how much they have, and when they last changed or captured something. */
import { tableIn, type Queryable, type QueryOptions } from '../shared/query.js';
import { iso } from '../shared/time.js';

export interface UserActivity {
  dreamCount: number;
  fragmentCount: number;
  todoCount: number;
  completedTodos: number;
  lastUpdate: string | null;
  lastCapture: string | null;
}

export async function getUserActivity(client: Queryable, userId: string, options?: QueryOptions): Promise<UserActivity> {
  const { rows } = await client.query<{ dreams: number; fragments: number; todos: number; completed_todos: number; last_update: Date | null; last_capture: Date | null }>(
    `SELECT dreams, fragments, todos, completed_todos, last_update, last_capture FROM ${tableIn(options, 'user_activity')} WHERE owner_id = $1`,
    [userId],
  );
  const row = rows[0];
  if (!row) return { dreamCount: 0, fragmentCount: 0, todoCount: 0, completedTodos: 0, lastUpdate: null, lastCapture: null };
  return {
    dreamCount: row.dreams,
    fragmentCount: row.fragments,
    todoCount: row.todos,
    completedTodos: row.completed_todos,
    lastUpdate: iso(row.last_update),
    lastCapture: iso(row.last_capture),
  };
}
