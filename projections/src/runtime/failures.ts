/**
 * Which failures are worth retrying forever and which mean "this message cannot be
 * applied". A database or network outage must not send every message of the queue to the
 * dead-letter queue: those are retried until the dependency is back. Anything else (a
 * handler error, bad data, a gap the store cannot fill) gets a few attempts and is then
 * dead-lettered so the projection can carry on; one refused by rule (a foreign stream,
 * owner-guard.ts) is dead-lettered at once.
 */
import { backoffDelay, sleep, type Logger } from '@dreamcatcher/service-kit';
import type { FailureKind } from './metrics.js';
import { ForeignStreamError } from './owner-guard.js';

const TRANSIENT_SQLSTATE = /^(08|53|57P|58|40001|40P01|55P03)/;
const TRANSIENT_NODE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);
const TRANSIENT_MESSAGE = /connection terminated|timeout exceeded when trying to connect|connection error|not queryable|Connection closed|Channel closed/i;

export function isTransient(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (TRANSIENT_SQLSTATE.test(code) || TRANSIENT_NODE.has(code))) return true;
  return typeof message === 'string' && TRANSIENT_MESSAGE.test(message);
}

/** The projector is stopping: unfinished work is left to redelivery. */
export class StoppedError extends Error {
  override name = 'StoppedError';
}

/** A message refused by rule (owner-guard.ts): retrying cannot help, so it is dead-lettered at once. */
export function isRefused(error: unknown): boolean {
  return error instanceof ForeignStreamError;
}

/** The failures-metric kind of a message that failed on its own. */
export function messageFailureKind(error: unknown): FailureKind {
  return error instanceof ForeignStreamError ? error.kind : 'message';
}

/** Runs `work` until it ends without an outage (retried with backoff up to 5 s apart), or until `signal` stops it. */
export async function untilNoOutage<T>(work: () => Promise<T>, options: { signal: AbortSignal; initialDelayMs: number; onOutage: () => void; logger: Logger }): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    if (options.signal.aborted) throw new StoppedError('projector stopping');
    try {
      return await work();
    } catch (error) {
      if (!isTransient(error)) throw error;
      options.onOutage();
      const delayMs = backoffDelay(attempt, options.initialDelayMs, 5_000);
      options.logger.warn('dependency unavailable, retrying the batch', { error: (error as Error).message, delayMs });
      await sleep(delayMs, options.signal);
    }
  }
}
