import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so two requests that differ only in key
 * order (which JSON does not give meaning to) hash alike.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

/**
 * What makes two requests under one Idempotency-Key "the same request": the command type,
 * its data and the If-Match revision. Correlation ids and trace context differ on every
 * retry by design and are left out.
 */
export function requestHash(request: { type: string; data: unknown; expectedRevision?: bigint | undefined }): string {
  const subject = { type: request.type, data: request.data, expectedRevision: request.expectedRevision?.toString() };
  return createHash('sha256').update(canonicalJson(subject)).digest('hex');
}
