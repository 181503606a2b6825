/**
 * Row-level security as defence in depth: every query of the gateway runs in a read-only
 * transaction as the NOLOGIN reader role with the caller's user id set, so a query that
 * forgot its `WHERE owner_id = ...` still sees only the caller's rows.
 */
import type pg from 'pg';
import { quoteIdent } from '@dreamcatcher/service-kit';
import { READER_ROLE, USER_ID_SETTING } from './names.js';

/** Something to run SQL on: a pool, or a client inside `withReaderScope`. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

/**
 * Runs `work` in a read-only transaction as `dreamcatcher_reader` with
 * `dreamcatcher.user_id = userId` (both local to the transaction), then commits.
 * The pool's login role must be a member of the reader role (superusers are).
 */
export async function withReaderScope<T>(pool: pg.Pool, userId: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  if (!userId) throw new Error('withReaderScope needs a user id');
  const client = await pool.connect();
  let broken = false;
  try {
    // One round trip: a simple-protocol batch, with the user id as an escaped literal.
    await client.query(
      `BEGIN READ ONLY; SET LOCAL ROLE ${quoteIdent(READER_ROLE)}; SELECT set_config('${USER_ID_SETTING}', ${client.escapeLiteral(userId)}, true)`,
    );
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw error;
  } finally {
    client.release(broken);
  }
}
