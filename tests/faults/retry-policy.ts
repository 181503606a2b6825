/**
 * What a client of the API does with an answer while faults are injected: an answer of
 * 2xx is final; "not now" answers (the gateway or the command service down, the store
 * unreachable, a key still being handled by a request that died with its process) are
 * retried with the same Idempotency-Key; anything else is a defect the suite reports.
 * Pure, so that the policy itself is specified by a unit spec.
 */

export type Outcome =
  | { kind: 'ack' }
  /** Try again later with the same key; `reason` names the kind of error, for the figures. */
  | { kind: 'retry'; reason: string }
  /** The answer is wrong for this request whatever the faults: the suite fails. */
  | { kind: 'fatal'; reason: string };

/** 409s that mean "not now" (see the command service's failures.ts). */
const TRANSIENT_CONFLICTS = new Set(['idempotency_key_in_progress', 'concurrency_conflict']);

function errorCode(body: unknown): string {
  const code = (body as { error?: { code?: unknown } } | null | undefined)?.error?.code;
  return typeof code === 'string' ? code : 'no_code';
}

/** Classifies an HTTP answer. */
export function classifyAnswer(status: number, body: unknown): Outcome {
  if (status >= 200 && status < 300) return { kind: 'ack' };
  const code = errorCode(body);
  if (status === 409 && TRANSIENT_CONFLICTS.has(code)) return { kind: 'retry', reason: `409 ${code}` };
  if (status === 429 || status === 502 || status === 503 || status === 504) return { kind: 'retry', reason: `${status} ${code}` };
  // A 500 is a failure the service did not recognise as an outage: a retry might work, but a
  // client cannot tell it from a bug, so the suite reports it, as it does any other 4xx.
  return { kind: 'fatal', reason: `${status} ${code}` };
}

/** Classifies a request that got no HTTP answer at all (connection refused or reset, timeout). */
export function classifyError(error: unknown): Outcome {
  const cause = (error as { cause?: { code?: unknown } })?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : (error as { name?: string })?.name ?? 'Error';
  return { kind: 'retry', reason: `network ${code}` };
}

/** Delay before retry number `attempt` (1-based): exponential from 100 ms, capped at 2 s, with jitter. */
export function retryDelayMs(attempt: number, random: () => number): number {
  const base = Math.min(100 * 2 ** (attempt - 1), 2_000);
  return Math.round(base / 2 + random() * (base / 2));
}
