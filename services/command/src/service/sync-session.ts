/**
 * A sync session: the extension's queue of captures made offline, sent as one batch.
 * Items are handled in order, each on its own and under its own Idempotency-Key, and each
 * gets its own result; one failing item does not stop the others. A batch that half
 * failed can therefore be sent again as it is: the items that succeeded replay their first
 * answers and append nothing, the others are tried again. Each item's outcome has the shape of
 * the contract's `SyncSessionAnswer` item: `answer` (2xx) or `error`, and `replayed`.
 * Once the caller's deadline has passed, no further item is started: the session answers
 * 503 `deadline_exceeded` with the results of the items run and the keys of those not run,
 * which a resent session then runs (the others replay).
 */
import { randomUUID } from 'node:crypto';
import { ValidationError, type Violation } from '@dreamcatcher/service-kit/errors';
import type { CommandResult } from '../commands/execute.js';
import type { ErrorBody, HandleCommand } from './command-handler.js';
import { DeadlineExceededError, type Deadline } from './deadline.js';
import { correlationIdOf, isObject, keyViolations, metadataViolations, type RequestMetadata } from './request.js';

export const MAX_SYNC_ITEMS = 100;

export interface SyncSessionRequest {
  sessionId?: string | undefined;
  items: { idempotencyKey: string; command: { type: string; data: unknown } }[];
  metadata: RequestMetadata;
  deadline?: Deadline | undefined;
}

export interface SyncItemResult {
  idempotencyKey: string;
  status: number;
  /** The answer was stored under this key earlier: nothing was written now. */
  replayed: boolean;
  answer?: CommandResult;
  error?: ErrorBody['error'];
}

export interface SyncSessionResult {
  sessionId?: string;
  items: SyncItemResult[];
  correlationId: string;
}

/** Checks the batch's shape; each item's command is checked when the item is handled. */
export function validateSyncSession(body: unknown): SyncSessionRequest {
  if (!isObject(body)) throw new ValidationError('Invalid sync session', [{ path: '', message: 'must be an object' }]);
  const { sessionId, items, metadata } = body;
  const violations: Violation[] = metadataViolations(metadata);
  if (sessionId !== undefined && (typeof sessionId !== 'string' || sessionId.length === 0 || sessionId.length > 200)) {
    violations.push({ path: '/sessionId', message: 'must be a string of 1 to 200 characters' });
  }
  if (!Array.isArray(items) || items.length < 1 || items.length > MAX_SYNC_ITEMS) {
    violations.push({ path: '/items', message: `must be an array of 1 to ${MAX_SYNC_ITEMS} items` });
  } else {
    items.forEach((item: unknown, index) => {
      const path = `/items/${index}`;
      if (!isObject(item)) return violations.push({ path, message: 'must be an object' });
      if (item.idempotencyKey === undefined) violations.push({ path: `${path}/idempotencyKey`, message: 'is required' });
      else violations.push(...keyViolations(item.idempotencyKey, `${path}/idempotencyKey`));
      if (!isObject(item.command) || typeof item.command.type !== 'string') {
        violations.push({ path: `${path}/command`, message: 'must be an object with a type and data' });
      }
      return undefined;
    });
  }
  if (violations.length) throw new ValidationError('Invalid sync session', violations);
  return body as unknown as SyncSessionRequest;
}

/** Handles a validated session's items in order, each idempotent by its own key. */
export async function handleSyncSession(handleCommand: HandleCommand, session: SyncSessionRequest): Promise<SyncSessionResult> {
  // One correlation id ties together everything the session caused.
  const correlationId = correlationIdOf(session.metadata) ?? randomUUID();
  const metadata = { ...session.metadata, correlationId };
  const items: SyncItemResult[] = [];
  for (const [index, item] of session.items.entries()) {
    if (session.deadline?.passed()) {
      throw new DeadlineExceededError(`The caller's deadline passed after ${index} of ${session.items.length} items; the rest were not run`, {
        ...(session.sessionId !== undefined && { sessionId: session.sessionId }),
        items,
        notRun: session.items.slice(index).map((notRun) => notRun.idempotencyKey),
      });
    }
    const outcome = await handleCommand({ type: item.command.type, data: item.command.data, metadata, idempotencyKey: item.idempotencyKey });
    const { status, replayed } = outcome;
    items.push(
      'error' in outcome.body
        ? { idempotencyKey: item.idempotencyKey, status, replayed, error: outcome.body.error }
        : { idempotencyKey: item.idempotencyKey, status, replayed, answer: outcome.body },
    );
  }
  return { ...(session.sessionId !== undefined && { sessionId: session.sessionId }), items, correlationId };
}
