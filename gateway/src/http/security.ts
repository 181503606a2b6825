import cors from 'cors';
import helmet from 'helmet';
import type { RequestHandler } from 'express';

/** Response headers browsers may read from a cross-origin answer. */
const EXPOSED_HEADERS = [
  'ETag',
  'X-Request-Id',
  'X-Correlation-Id',
  'X-Stale',
  'X-Projection-Position',
  'Idempotent-Replayed',
  'Retry-After',
  'RateLimit-Limit',
  'RateLimit-Remaining',
];
const ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'Idempotency-Key',
  'If-Match',
  'X-Min-Position',
  'X-Request-Id',
  'X-Correlation-Id',
  'traceparent',
  'tracestate',
  'Last-Event-ID',
];

/** Whether an origin is configured; `*` in the list allows every origin (development only). */
export function originAllowed(origin: string, allowed: readonly string[]): boolean {
  return allowed.includes('*') || allowed.includes(origin);
}

/**
 * CORS for the configured origins only (the extension's `chrome-extension://<id>` and the
 * hub's); other origins get no CORS headers, so browsers keep their pages out. Credentials
 * are headers, not cookies, so none are allowed.
 */
export function corsFor(origins: readonly string[]): RequestHandler {
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && originAllowed(origin, origins)),
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
}

/** Helmet's defaults suit a JSON API; the API's answers are never framed or sniffed. */
export function securityHeaders(): RequestHandler {
  return helmet({ contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } });
}
