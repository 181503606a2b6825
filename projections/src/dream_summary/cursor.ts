/**
 * Keyset pagination cursor: the (updated_at, dream_id) of the last item of a page, opaque
 * to clients (base64url JSON). `updated_at` keeps PostgreSQL's full microsecond text so the
 * next page starts exactly after it.
 */
import { isUuid } from '@dreamcatcher/contracts';
import { ValidationError } from '@dreamcatcher/service-kit/errors';

export interface DreamCursor {
  updatedAt: string;
  id: string;
}

/** `to_json(timestamptz)`'s text, the only form `encodeCursor` writes, e.g. `2025-03-14T09:26:53.123456+00:00`. */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Whether PostgreSQL reads `text` as the timestamp it says. `Date.parse` is no test: it
 * takes `1` or `2020-02-30`, which PostgreSQL refuses, so a forged cursor would fail the
 * query instead of the request.
 */
function isCursorTimestamp(text: string): boolean {
  const match = TIMESTAMP.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
}

export function encodeCursor(cursor: DreamCursor): string {
  return Buffer.from(JSON.stringify([cursor.updatedAt, cursor.id])).toString('base64url');
}

/** Decodes a cursor from a request; throws ValidationError (400) when it is not one of ours. */
export function decodeCursor(text: string): DreamCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2) {
      const [updatedAt, id] = value as unknown[];
      if (typeof updatedAt === 'string' && isCursorTimestamp(updatedAt) && isUuid(id)) return { updatedAt, id };
    }
  } catch {
    // fall through to the validation error
  }
  throw new ValidationError('cursor is not valid', [{ path: '/cursor', message: 'must be a cursor returned by a previous page' }]);
}
