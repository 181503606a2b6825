/**
 * Appending to a stream in one statement, and explaining a refusal.
 *
 * The happy path is one round trip: the named statement (one for a single event, one for
 * several) moves the stream's row forward (only if the expected revision holds) and
 * inserts the events, atomically. When it writes
 * nothing, or a unique constraint refuses it, a second query reads the stream's row and
 * which of the append's ids are already there, and `judgeRejectedAppend` decides: the
 * stream is deleted, this repeats an earlier append (answer as then), the revision
 * conflicts, or the stream moved in between and the append is simply tried again.
 */
import type pg from 'pg';
import { judgeRejectedAppend, MAX_EVENTS_PER_APPEND, validateAppend, type StoredEventRef } from '../append-rules.js';
import type { AppendResult, EventToAppend, ExpectedRevision } from '../event-store.js';
import { StreamDeletedError, StreamIdCollisionError, WrongExpectedRevisionError } from '../errors.js';
import { CASE_INSENSITIVE_INDEX } from './schema.js';
import { appendOneStatement, appendStatement, DIAGNOSE_APPEND } from './sql.js';

// A refusal whose cause then vanished (a racing writer) is retried this often before giving up.
const MAX_ATTEMPTS = 5;

const UNIQUE_VIOLATION = '23505';

export async function appendEvents(
  pool: pg.Pool,
  streamId: string,
  events: EventToAppend[],
  expected: ExpectedRevision,
): Promise<{ result: AppendResult; wrote: boolean }> {
  validateAppend(streamId, events, expected, MAX_EVENTS_PER_APPEND);
  const { statement, withRevision } = events.length === 1 ? appendOneStatement(expected) : appendStatement(expected);
  const values: unknown[] =
    events.length === 1
      ? [streamId, events[0]!.id, events[0]!.type, JSON.stringify(events[0]!.data ?? null), JSON.stringify(events[0]!.metadata ?? {})]
      : [
          streamId,
          JSON.stringify(events.map((event) => ({ id: event.id, type: event.type, data: event.data ?? null, metadata: event.metadata ?? {} }))),
          events.length,
        ];
  if (withRevision) values.push(expected);
  const ids = events.map((event) => event.id);

  for (let attempt = 1; ; attempt++) {
    const written = await tryAppend(pool, streamId, statement, values);
    if (written?.length === events.length) return { result: toAppendResult(written), wrote: true };
    const outcome = judgeRejectedAppend(expected, ids, await diagnose(pool, streamId, ids));
    switch (outcome.kind) {
      case 'deleted':
        throw new StreamDeletedError(streamId);
      case 'idempotent':
        return { result: outcome.result, wrote: false };
      case 'conflict':
        throw new WrongExpectedRevisionError(streamId, expected, outcome.actual);
      case 'retry':
        if (attempt >= MAX_ATTEMPTS) throw new Error(`Append to ${streamId} kept racing other writers; gave up after ${attempt} attempts`);
    }
  }
}

interface WrittenRow {
  id: string;
  revision: bigint | string;
  position: bigint | string;
}

/** The rows written, or undefined when a unique constraint refused the append (the statement then wrote nothing). */
async function tryAppend(pool: pg.Pool, streamId: string, statement: { name: string; text: string }, values: unknown[]): Promise<WrittenRow[] | undefined> {
  try {
    return (await pool.query<WrittenRow>({ ...statement, values })).rows;
  } catch (error) {
    const { code, constraint } = error as { code?: string; constraint?: string };
    if (code === UNIQUE_VIOLATION && constraint === CASE_INSENSITIVE_INDEX) throw new StreamIdCollisionError(streamId);
    if (code === UNIQUE_VIOLATION) return undefined;
    throw error;
  }
}

function toAppendResult(rows: WrittenRow[]): AppendResult {
  const events = rows
    .map((row) => ({ id: row.id, revision: BigInt(row.revision), position: BigInt(row.position) }))
    .sort((a, b) => (a.revision < b.revision ? -1 : 1));
  const last = events[events.length - 1]!;
  return { nextExpectedRevision: last.revision, position: last.position, events };
}

async function diagnose(pool: pg.Pool, streamId: string, ids: string[]) {
  const { rows } = await pool.query<{
    revision: bigint | string | null;
    deleted: boolean | null;
    stored: { id: string; revision: string; position: string }[];
  }>(DIAGNOSE_APPEND, [streamId, ids]);
  const row = rows[0]!;
  const stored: StoredEventRef[] = row.stored.map((event) => ({
    id: event.id,
    revision: BigInt(event.revision),
    position: BigInt(event.position),
  }));
  const stream = row.revision === null ? undefined : { revision: BigInt(row.revision), deleted: row.deleted === true };
  return { stream, stored };
}
