/**
 * History cursors (pure): opaque to clients, they hold where the last read stopped — the
 * last position (or revision) examined, not the last one returned. A filtered page that
 * skipped events therefore resumes after them, and an event is never skipped or repeated
 * whatever filters are used. Only what was actually examined is behind a cursor.
 */
import { ValidationError } from '@dreamcatcher/service-kit/errors';

export type HistoryCursor =
  /** Across the whole store: the last position examined. */
  | { scope: 'all'; after: bigint }
  /** Within one stream: the last revision examined. */
  | { scope: 'stream'; streamId: string; after: bigint };

interface Encoded {
  v: 1;
  s: 'all' | 'stream';
  id?: string;
  a: string;
}

export function encodeCursor(cursor: HistoryCursor): string {
  const encoded: Encoded = { v: 1, s: cursor.scope, ...(cursor.scope === 'stream' && { id: cursor.streamId }), a: cursor.after.toString() };
  return Buffer.from(JSON.stringify(encoded), 'utf8').toString('base64url');
}

/** Decodes a cursor of the expected scope (and stream); ValidationError (400) otherwise. */
export function decodeCursor(text: string, scope: 'all'): Extract<HistoryCursor, { scope: 'all' }>;
export function decodeCursor(text: string, scope: 'stream', streamId: string): Extract<HistoryCursor, { scope: 'stream' }>;
export function decodeCursor(text: string, scope: HistoryCursor['scope'], streamId?: string): HistoryCursor {
  let value: Partial<Encoded> | undefined;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<Encoded>;
  } catch {
    value = undefined;
  }
  const ok = value?.v === 1 && value.s === scope && typeof value.a === 'string' && /^(0|[1-9][0-9]{0,18})$/.test(value.a) && (scope === 'all' || value.id === streamId);
  if (!ok) throw new ValidationError('Invalid cursor', [{ path: '/cursor', message: 'is not a cursor of this history' }]);
  const after = BigInt(value!.a!);
  return scope === 'all' ? { scope, after } : { scope, streamId: streamId!, after };
}
