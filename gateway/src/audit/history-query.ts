/**
 * Query parameters of history reads, checked (every problem a 400 naming `/query/<name>`):
 *
 * - `limit`, `cursor` — page size and the previous page's opaque `nextCursor`;
 * - `from` — whole-store history only: start after this store position (exclusive), the
 *   position of the last event already seen; `to` — exports only: end at this position
 *   (inclusive);
 * - filters: `type` (event types, comma-separated), `userId` (who caused the event:
 *   `metadata.userId`), `occurredFrom` (inclusive) and `occurredTo` (exclusive), date-times
 *   compared with `metadata.occurredAt`.
 */
import { ALL_EVENT_TYPES } from '@dreamcatcher/contracts';
import type { HistoryFilter } from '@dreamcatcher/audit';
import { ValidationError } from '@dreamcatcher/service-kit/errors';
import type { QueryReader } from '../http/query-params.js';

const KNOWN_TYPES = new Set<string>(ALL_EVENT_TYPES);

export const AUDIT_PAGE = { fallback: 100, min: 1, max: 1000 };

/** The filters of a history read (`type`, `userId`, `occurredFrom`, `occurredTo`). */
export function readHistoryFilter(query: QueryReader): HistoryFilter {
  const types = query.string('type', { max: 2000 })?.split(',').map((type) => type.trim());
  for (const type of types ?? []) {
    if (!KNOWN_TYPES.has(type)) query.violations.push({ path: '/query/type', message: `${JSON.stringify(type)} is not an event type` });
  }
  const userId = query.string('userId');
  const occurredFrom = instant(query, 'occurredFrom');
  const occurredTo = instant(query, 'occurredTo');
  if (occurredFrom !== undefined && occurredTo !== undefined && Date.parse(occurredFrom) > Date.parse(occurredTo)) {
    query.violations.push({ path: '/query/occurredTo', message: 'must not be before occurredFrom' });
  }
  return {
    ...(types && { types }),
    ...(userId !== undefined && { userId }),
    ...(occurredFrom !== undefined && { from: occurredFrom }),
    ...(occurredTo !== undefined && { to: occurredTo }),
  };
}

function instant(query: QueryReader, name: string): string | undefined {
  const value = query.string(name, { max: 40 });
  if (value !== undefined && Number.isNaN(Date.parse(value))) query.violations.push({ path: `/query/${name}`, message: 'must be a date-time' });
  return value;
}

/** The library names what it refuses by its own option names; the caller wrote query parameters. */
const QUERY_NAMES: Record<string, string> = { '/cursor': 'cursor', '/limit': 'limit', '/types': 'type', '/userId': 'userId', '/from': 'occurredFrom', '/to': 'occurredTo', '/revision': 'revision', '/at': 'at' };

/** Runs a history read, reporting the library's ValidationErrors against the query parameters. */
export async function asQueryErrors<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError('Invalid query parameters', error.violations.map((v) => ({ ...v, path: `/query/${QUERY_NAMES[v.path] ?? v.path.replace(/^\//, '')}` })));
  }
}
