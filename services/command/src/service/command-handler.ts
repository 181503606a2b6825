/**
 * Handling one command request end to end: check it, make its ids, hold its idempotency
 * key, decide and append (commands/execute.ts), and keep the first answer.
 *
 * With an Idempotency-Key the request's ids are derived from (user, key) (ids/ids.ts) and
 * the key is claimed before anything is decided (idempotency/idempotency-store.ts): the
 * winner executes and stores its answer (a 4xx rule error included); a duplicate racing
 * it waits, bounded, for that answer; a later retry replays it; a different request under
 * the key is 422 `idempotency_key_reused`. A winner that crashed after appending leaves a
 * stale claim; the retry that takes it over finds the events by their causation id and
 * answers from them.
 *
 * `now` for the decider and `occurredAt` for the events come from one clock read.
 */
import { randomUUID } from 'node:crypto';
import { isCommandType } from '@dreamcatcher/contracts';
import type { EventStore } from '@dreamcatcher/event-store';
import { withLogContext, type Logger } from '@dreamcatcher/service-kit';
import { ConflictError, errorBody, UnprocessableError } from '@dreamcatcher/service-kit/errors';
import { executeCommand, type CommandResult } from '../commands/execute.js';
import { prepareCommand, type ContractCommand } from '../commands/prepare-command.js';
import type { CommandContext } from '../commands/prepare-events.js';
import type { IdempotencyStore, StoredAnswer } from '../idempotency/idempotency-store.js';
import { requestHash } from '../idempotency/request-hash.js';
import { idSourceFor } from '../ids/ids.js';
import type { ErasedAmong } from '../streams/load-stream.js';
import type { StreamCache } from '../streams/stream-cache.js';
import { DeadlineExceededError } from './deadline.js';
import { isFinalAnswer, toAppError } from './failures.js';
import { outcomeOf, type CommandMetrics } from './metrics.js';
import { correlationIdOf, validateRequest, type CommandRequest, type ValidRequest } from './request.js';

export type ErrorBody = ReturnType<typeof errorBody>;

/** What a command request came to; never thrown, always answered. */
export interface CommandOutcome {
  /** HTTP status: 200, 201 (the command created the dream), or the error's. */
  status: number;
  body: CommandResult | ErrorBody;
  /** The answer is the stored first answer to an earlier request under the same key. */
  replayed: boolean;
  correlationId: string;
}

export interface CommandHandlerOptions {
  store: EventStore;
  idempotency: IdempotencyStore;
  logger: Logger;
  metrics: CommandMetrics;
  /** How long a duplicate waits for the first request's answer (default 5 s). */
  waitMs?: number;
  maxAttempts?: number;
  clock?: () => Date;
  /** Folded recent streams (none: every command reads its stream whole). */
  streamCache?: StreamCache | undefined;
  erasedAmong?: ErasedAmong | undefined;
}

export type HandleCommand = (request: CommandRequest) => Promise<CommandOutcome>;

export function createCommandHandler(options: CommandHandlerOptions): HandleCommand {
  const { store, idempotency, logger, metrics, waitMs = 5_000, clock = () => new Date() } = options;

  /** Decides and appends; `idempotency` (key and request hash) makes the ids derived. */
  async function execute(request: ValidRequest, idempotency?: { key: string; requestHash: string }): Promise<StoredAnswer> {
    const { type, data, metadata, idempotencyKey } = request;
    const now = clock().toISOString();
    const ids = idSourceFor(metadata.userId, idempotency);
    const prepared = prepareCommand({ type, data } as ContractCommand, { userId: metadata.userId, roles: metadata.roles, now }, ids);
    const context: CommandContext = {
      commandId: ids.commandId,
      commandType: type,
      userId: metadata.userId,
      correlationId: metadata.correlationId,
      occurredAt: now,
      idempotencyKey,
      traceparent: metadata.traceparent,
      tracestate: metadata.tracestate,
    };
    const executed = await executeCommand(prepared, context, request.expectedRevision, {
      store,
      cache: options.streamCache,
      erasedAmong: options.erasedAmong,
      maxAttempts: options.maxAttempts,
      onConflict: () => metrics.conflicts.inc({ type }),
      onRetry: () => metrics.retries.inc({ type }),
    });
    if (executed.appended) {
      metrics.appends.inc({ type });
      metrics.eventsAppended.inc({ type }, executed.appended);
    }
    return { httpStatus: executed.created ? 201 : 200, body: executed.result };
  }

  async function executeOnce(request: ValidRequest & { idempotencyKey: string }): Promise<{ answer: StoredAnswer; replayed: boolean }> {
    const { userId } = request.metadata;
    const key = request.idempotencyKey;
    const hash = requestHash(request);
    let claim = await idempotency.claim(userId, key, hash);
    if (claim.kind === 'pending') claim = await idempotency.waitForAnswer(userId, key, hash, waitMs);
    switch (claim.kind) {
      case 'mismatch':
        throw new UnprocessableError('This Idempotency-Key was used for a different request', 'idempotency_key_reused');
      case 'pending':
        throw new ConflictError('A request with this Idempotency-Key is still being handled; retry shortly', 'idempotency_key_in_progress');
      case 'done':
        return { answer: claim.answer, replayed: true };
      case 'claimed':
        break;
    }
    let answer: StoredAnswer;
    try {
      answer = await execute(request, { key, requestHash: hash });
    } catch (error) {
      const appError = toAppError(error, logger);
      if (!isFinalAnswer(appError)) {
        await idempotency.release(userId, key, claim.claimId).catch((cause: Error) => logger.warn('could not release idempotency key', { error: cause.message }));
        throw appError;
      }
      answer = { httpStatus: appError.status, body: errorBody(appError) };
    }
    const stored = await idempotency.complete(userId, key, answer);
    return { answer: stored, replayed: stored !== answer };
  }

  return async function handleCommand(request) {
    const started = performance.now();
    const correlationId = correlationIdOf(request.metadata) ?? randomUUID();
    const type = isCommandType(request.type) ? request.type : 'unknown';
    let outcome: CommandOutcome;
    try {
      if (request.deadline?.passed()) throw new DeadlineExceededError();
      const valid = validateRequest(request, correlationId);
      const { idempotencyKey } = valid;
      const { answer, replayed } =
        idempotencyKey === undefined ? { answer: await execute(valid), replayed: false } : await executeOnce({ ...valid, idempotencyKey });
      outcome = { status: answer.httpStatus, body: answer.body as CommandOutcome['body'], replayed, correlationId };
    } catch (error) {
      const appError = toAppError(error, logger);
      outcome = { status: appError.status, body: errorBody(appError), replayed: false, correlationId };
    }
    const unchanged = outcome.status === 200 && 'events' in outcome.body && outcome.body.events.length === 0;
    const labels = { type, outcome: outcomeOf(outcome.status, outcome.replayed, unchanged) };
    const durationMs = performance.now() - started;
    metrics.commands.inc(labels);
    metrics.duration.observe(labels, durationMs / 1000);
    // One line per command, in the request's correlation (the body is never logged: it holds captured content).
    const userId = typeof request.metadata?.userId === 'string' ? request.metadata.userId : undefined;
    const dreamId = 'dreamId' in outcome.body ? outcome.body.dreamId : undefined;
    withLogContext({ correlationId, ...(userId && { userId }) }, () =>
      logger.info('command handled', { type, outcome: labels.outcome, status: outcome.status, durationMs: Math.round(durationMs * 10) / 10, ...(dreamId && { dreamId }) }),
    );
    return outcome;
  };
}
