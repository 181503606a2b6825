/**
 * Turning whatever a command threw into the answer the caller gets, and deciding which
 * answers an idempotency key keeps.
 */
import { AppError, ServiceUnavailableError } from '@dreamcatcher/service-kit/errors';
import type { Logger } from '@dreamcatcher/service-kit';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
// SQLSTATEs of a database that is gone, restarting or full of connections.
const UNAVAILABLE_SQLSTATES = /^(08|57P0[1-3]|53300)/;
const UNAVAILABLE_MESSAGES = /Connection terminated|connection error|timeout exceeded when trying to connect|Cannot use a pool after calling end/i;

/** Whether an error means the database or event store cannot be reached right now. */
export function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, name } = error as { code?: unknown; message?: unknown; name?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.test(code))) return true;
  // EventStoreDB's client: gRPC UNAVAILABLE (14) or its own UnavailableError.
  if (code === 14 || name === 'UnavailableError') return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
}

/** The error as the caller sees it: AppErrors as they are, an unreachable store 503, anything else a logged 500. */
export function toAppError(error: unknown, logger: Logger): AppError {
  if (error instanceof AppError) return error;
  if (isUnavailable(error)) {
    logger.warn('store unavailable', { error: (error as Error).message });
    return new ServiceUnavailableError('The event store or database is unavailable; try again shortly', 1);
  }
  logger.error('command failed', { error: (error as Error)?.message ?? String(error), stack: (error as Error)?.stack });
  return new AppError(500, 'internal', 'Internal error');
}

// 409s that say "not now" rather than "no": a retry may well succeed.
const TRANSIENT_CODES = new Set(['concurrency_conflict', 'idempotency_key_in_progress']);

/**
 * Whether an error is the request's final answer, kept under its idempotency key like a
 * success: rule and validation errors (4xx) are; unavailability, internal errors, rate
 * limits and exhausted conflict retries are not, so a retry executes afresh.
 */
export function isFinalAnswer(error: AppError): boolean {
  return error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429 && !TRANSIENT_CODES.has(error.code);
}
