/**
 * The caller's deadline. The gateway says how long it will wait (`X-Request-Timeout-Ms`);
 * work after that is read by nobody and only slows everyone else, so the service checks the
 * deadline before each command and before each item of a sync session, and stops there.
 * Commands are never cut in the middle: each one appends all its events or none.
 */
import { AppError } from '@dreamcatcher/service-kit/errors';

export const REQUEST_TIMEOUT_HEADER = 'x-request-timeout-ms';
/** A header asking for more than this is taken as this. */
export const MAX_REQUEST_TIMEOUT_MS = 600_000;

export interface Deadline {
  passed(): boolean;
}

export class DeadlineExceededError extends AppError {
  constructor(message = "The caller's deadline passed before the command was run; nothing was written", details?: unknown) {
    super(503, 'deadline_exceeded', message, details);
  }
}

/**
 * The deadline a request's header sets, counted from `now`; 0 means the caller has given up
 * already. No header, or one that is not a whole number of milliseconds, sets none.
 */
export function deadlineFrom(header: string | undefined, now: () => number = performance.now.bind(performance)): Deadline | undefined {
  if (header === undefined || !/^\d{1,9}$/.test(header.trim())) return undefined;
  const ms = Math.min(Number(header), MAX_REQUEST_TIMEOUT_MS);
  const end = now() + ms;
  return { passed: () => now() >= end };
}
