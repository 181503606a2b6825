import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '@dreamcatcher/service-kit';
import {
  AppError,
  errorBody,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  ServiceUnavailableError,
  ValidationError,
} from '@dreamcatcher/service-kit/errors';
import { answerRefusedUpload } from './refused-upload.js';

/** What body-parser attaches to the errors it raises. */
interface ParserError extends Error {
  type?: string;
  status?: number;
  /** http-errors' mark of an error whose message is meant for the client. */
  expose?: boolean;
}

// SQLSTATEs of a database that is gone, restarting, shutting down or out of connections.
const UNAVAILABLE_SQLSTATES = /^(08|57P0[1-3]|53300)/;
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);
const UNAVAILABLE_MESSAGES = /Connection terminated|not queryable|timeout exceeded when trying to connect|Cannot use a pool after calling end/i;

/**
 * Whether a query failed because the database could not be reached or dropped the session
 * (`pg_terminate_backend`, a restart, failover): an outage the caller may retry, not a bug.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.test(code) || UNAVAILABLE_NODE_CODES.has(code))) return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
}

/** Maps errors from below the routes (ours, the body parser's, the router's) to an AppError. */
export function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  // The router could not percent-decode a path parameter: such a path names nothing.
  if (error instanceof URIError) return new NotFoundError();
  const parser = error as ParserError;
  switch (parser?.type) {
    case 'entity.too.large':
      return new PayloadTooLargeError();
    case 'entity.parse.failed':
      return new ValidationError('Request body is not valid JSON');
    case 'encoding.invalid':
      return new ValidationError('Request body is not valid UTF-8');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(415, 'unsupported_media_type', 'Unsupported body encoding');
    case 'request.aborted':
      return new AppError(400, 'request_aborted', 'Request aborted');
    default:
      break;
  }
  // Other client errors of the body parser (a gzip or deflate body that does not inflate, say).
  if (parser?.expose && typeof parser.status === 'number' && parser.status >= 400 && parser.status < 500) {
    return new AppError(parser.status, 'invalid_body', 'Request body could not be read');
  }
  if (isDatabaseUnavailable(error)) return new ServiceUnavailableError('The database is unavailable; try again shortly', 1);
  return undefined;
}

/** The most violations an answer lists; a huge invalid body must not make a larger error. */
export const MAX_VIOLATIONS = 20;

/** The error body of `error`, its violations cut to MAX_VIOLATIONS (with `truncated: true` when cut). */
export function cappedErrorBody(error: AppError): ReturnType<typeof errorBody> {
  const body = errorBody(error);
  const details = body.error.details as { violations?: unknown } | undefined;
  if (!Array.isArray(details?.violations) || details.violations.length <= MAX_VIOLATIONS) return body;
  return { error: { ...body.error, details: { ...details, violations: details.violations.slice(0, MAX_VIOLATIONS), truncated: true } } };
}

/** Requests that match no route. A distinct code from "no such dream", so route drift is visible. */
export const routeNotFound: RequestHandler = (req) => {
  throw new AppError(404, 'route_not_found', `No route for ${req.method} ${req.path}`);
};

/**
 * The one error middleware: an AppError answers with its status and JSON body; anything
 * else is logged with its stack and answered with a bare 500, never with internals.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const known = toAppError(error);
    if (!known) {
      logger.error('request failed', { method: req.method, path: req.path, error: (error as Error)?.message, stack: (error as Error)?.stack });
      res.status(500).json({ error: { code: 'internal', message: 'Internal error' } });
      return;
    }
    if (known.status >= 500) logger.warn('request failed', { method: req.method, path: req.path, status: known.status, error: known.message });
    if (known instanceof RateLimitedError || (known instanceof ServiceUnavailableError && known.retryAfterSeconds)) {
      res.setHeader('Retry-After', String((known as RateLimitedError).retryAfterSeconds));
    }
    if (known.status === 401) res.setHeader('WWW-Authenticate', 'Bearer, ApiKey');
    if (known instanceof PayloadTooLargeError) return answerRefusedUpload(req, res, known.status, errorBody(known));
    res.status(known.status).json(cappedErrorBody(known));
  };
}
