import type { Logger } from './logger.js';

export interface RetryOptions {
  /** What is being tried, for the log line. */
  what: string;
  logger?: Logger | undefined;
  /** Give up after this many attempts (default: never). */
  attempts?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal | undefined;
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Exponential backoff with full jitter, capped at `maxDelayMs`. */
export function backoffDelay(attempt: number, initialDelayMs = 100, maxDelayMs = 5_000): number {
  const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** Retries `work` with backoff until it succeeds, the attempts run out or the signal aborts. */
export async function retry<T>(work: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const last = options.attempts !== undefined && attempt + 1 >= options.attempts;
      if (last || options.signal?.aborted) throw error;
      const delay = backoffDelay(attempt, options.initialDelayMs, options.maxDelayMs);
      options.logger?.warn(`could not ${options.what}, retrying`, {
        attempt: attempt + 1,
        delayMs: delay,
        error: (error as Error).message,
      });
      await sleep(delay, options.signal);
    }
  }
}
