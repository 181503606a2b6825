/**
 * Keyset pagination cursor: the (updated_at, dream_id) of the last item of a page, opaque
 * to clients (base64url JSON). `updated_at` keeps PostgreSQL's full microsecond text so the
 * next page starts exactly after it.
 */
import { ValidationError } from '@dreamcatcher/service-kit/errors';

export interface DreamCursor {
  updatedAt: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(cursor: DreamCursor): string {
  return Buffer.from(JSON.stringify([cursor.updatedAt, cursor.id])).toString('base64url');
}

/** Decodes a cursor from a request; throws ValidationError (400) when it is not one of ours. */
export function decodeCursor(text: string): DreamCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2) {
      const [updatedAt, id] = value as unknown[];
      if (typeof updatedAt === 'string' && !Number.isNaN(Date.parse(updatedAt)) && typeof id === 'string' && UUID.test(id)) return { updatedAt, id };
    }
  } catch {
    // fall through to the validation error
  }
  throw new ValidationError('cursor is not valid', [{ path: '/cursor', message: 'must be a cursor returned by a previous page' }]);
}
