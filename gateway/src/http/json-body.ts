/**
 * Reading request bodies: JSON only, UTF-8 only, and only text PostgreSQL can store.
 *
 * - A body sent as anything but JSON in UTF-8 is a 415. Ignoring it, as a JSON-only parser
 *   does, would run the command without the data the client sent (a `DELETE` or an
 *   `implement` needs none, so nothing would even fail); and JSON between systems is UTF-8
 *   (RFC 8259), so `charset=utf-7` or `utf-16`, which the parser would otherwise decode,
 *   are refused too.
 * - A body declared larger than the limit is a 413 before a byte of it is read; the
 *   connection is closed once the client has finished sending (refused-upload.ts), so that
 *   it reads the answer instead of a reset.
 * - Bytes that are not UTF-8 are a 400, not silently replaced by U+FFFD.
 * - Strings (keys included) holding NUL or an unpaired surrogate are a 400 listing where:
 *   JSON can carry them as `\u0000` and `\ud800`, but PostgreSQL's text and jsonb cannot,
 *   so they would fail deep inside a service, or, in encrypted fields, in every projector
 *   that later decrypts them.
 */
import { isUtf8 } from 'node:buffer';
import express, { type RequestHandler } from 'express';
import { AppError, PayloadTooLargeError, ValidationError, type Violation } from '@dreamcatcher/service-kit/errors';

const JSON_TYPES = ['application/json', 'application/*+json'];
// NUL, or a high surrogate not followed by a low one, or a low one not preceded by a high one.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const MAX_REPORTED = 20;

/** Whether a string holds characters PostgreSQL cannot store (NUL, unpaired surrogates). */
export function isUnstorable(text: string): boolean {
  return UNSTORABLE.test(text);
}

/** A place in the body: its key and its parent's place, so that no path is copied until one is reported. */
interface Place {
  key: string | number;
  parent: Place | undefined;
}

function pointer(place: Place | undefined): string {
  const parts: string[] = [];
  for (let at = place; at; at = at.parent) parts.push(`/${String(at.key).replaceAll('~', '~0').replaceAll('/', '~1')}`);
  return parts.reverse().join('');
}

/** Where `value` holds unstorable text; walked without recursion, so no nesting depth can exhaust the stack. */
export function unstorableText(value: unknown): Violation[] {
  const violations: Violation[] = [];
  const pending: { value: unknown; place: Place | undefined }[] = [{ value, place: undefined }];
  while (pending.length && violations.length < MAX_REPORTED) {
    const { value: current, place } = pending.pop()!;
    if (typeof current === 'string') {
      if (isUnstorable(current)) violations.push({ path: pointer(place), message: 'must not contain NUL characters or unpaired surrogates' });
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => pending.push({ value: item, place: { key: index, parent: place } }));
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        if (isUnstorable(key)) violations.push({ path: pointer({ key, parent: place }), message: 'name must not contain NUL characters or unpaired surrogates' });
        pending.push({ value: item, place: { key, parent: place } });
      }
    }
  }
  return violations;
}

/** Whether a JSON body's declared charset, if any, is UTF-8. */
function declaresUtf8(contentType: string | undefined): boolean {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  return charset === undefined || /^utf-8$/i.test(charset);
}

/** Whether the request carries a body at all (a `Content-Length: 0` does not). */
function hasBody(headers: { 'content-length'?: string; 'transfer-encoding'?: string }): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

/** The body middleware: 415 for non-JSON bodies, the JSON parser with a UTF-8 check, then the text check. */
export function jsonBody(limitBytes: number): RequestHandler[] {
  return [
    (req, res, next) => {
      // Declared too large: refuse at once, rather than read (or wait for) the whole body first, as the parser does.
      if (Number(req.headers['content-length']) > limitBytes) throw new PayloadTooLargeError();
      if (hasBody(req.headers) && (!req.is(JSON_TYPES) || !declaresUtf8(req.headers['content-type']))) {
        throw new AppError(415, 'unsupported_media_type', 'Request bodies must be JSON in UTF-8 (Content-Type: application/json)');
      }
      next();
    },
    express.json({
      limit: limitBytes,
      type: JSON_TYPES,
      verify: (_req, _res, buffer, encoding) => {
        if (encoding.toLowerCase().replace('-', '') === 'utf8' && !isUtf8(buffer)) {
          throw Object.assign(new Error('Request body is not valid UTF-8'), { status: 400, type: 'encoding.invalid' });
        }
      },
    }),
    (req, _res, next) => {
      const violations = req.body === undefined ? [] : unstorableText(req.body);
      if (violations.length) throw new ValidationError('Request body holds text that cannot be stored', violations);
      next();
    },
  ];
}
