/**
 * The command request as the gateway (or an in-process caller) sends it, checked before
 * anything else happens. Every problem is reported at once as a 400.
 */
import { canonicalIds, isCommandType, userIdProblem, validateCommand } from '@dreamcatcher/contracts';
import type { CommandType } from '@dreamcatcher/contracts';
import { AppError, ValidationError, type Violation } from '@dreamcatcher/service-kit/errors';
import { parsePosition } from '@dreamcatcher/event-store';
import type { Deadline } from './deadline.js';

/** Who sends the command, and the request's tracing context. */
export interface RequestMetadata {
  userId: string;
  roles: string[];
  correlationId?: string | undefined;
  traceparent?: string | undefined;
  tracestate?: string | undefined;
}

export interface CommandRequest {
  type: string;
  /** The contract's command data (body merged with path ids); validated here again. */
  data: unknown;
  metadata: RequestMetadata;
  idempotencyKey?: string | undefined;
  /** If-Match: the revision the caller saw (decimal string or bigint). */
  expectedRevision?: string | bigint | undefined;
  /** Past it, the command is not run (503 `deadline_exceeded`). */
  deadline?: Deadline | undefined;
}

export interface ValidRequest {
  type: CommandType;
  data: unknown;
  metadata: { userId: string; roles: string[]; correlationId: string; traceparent?: string; tracestate?: string };
  idempotencyKey?: string;
  expectedRevision?: bigint;
}

export const MAX_KEY_LENGTH = 200;
// Echoed in a response header, so printable ASCII only.
const CORRELATION_ID = /^[\x21-\x7e]{1,200}$/;
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

export class UnknownCommandError extends AppError {
  constructor(type: string) {
    super(404, 'unknown_command', `There is no command ${JSON.stringify(type.slice(0, 100))}`);
  }
}

/** The request's correlation id when it is usable, else undefined (a new one is made). */
export function correlationIdOf(metadata: unknown): string | undefined {
  const value = isObject(metadata) ? metadata.correlationId : undefined;
  return typeof value === 'string' && CORRELATION_ID.test(value) ? value : undefined;
}

/** Violations of the request metadata; `prefix` locates them in the caller's body. */
export function metadataViolations(metadata: unknown, prefix = '/metadata'): Violation[] {
  if (!isObject(metadata)) return [{ path: prefix, message: 'must be an object with userId and roles' }];
  const violations: Violation[] = [];
  const { userId, roles, correlationId, traceparent, tracestate } = metadata;
  const userIdViolation = userIdProblem(userId);
  if (userIdViolation) violations.push({ path: `${prefix}/userId`, message: userIdViolation });
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) violations.push({ path: `${prefix}/roles`, message: 'must be an array of strings' });
  if (correlationId !== undefined && (typeof correlationId !== 'string' || !CORRELATION_ID.test(correlationId))) {
    violations.push({ path: `${prefix}/correlationId`, message: 'must be 1 to 200 printable ASCII characters without spaces' });
  }
  if (traceparent !== undefined && typeof traceparent !== 'string') violations.push({ path: `${prefix}/traceparent`, message: 'must be a string' });
  if (tracestate !== undefined && typeof tracestate !== 'string') violations.push({ path: `${prefix}/tracestate`, message: 'must be a string' });
  return violations;
}

/** Violations of an Idempotency-Key; `path` locates it. */
export function keyViolations(key: unknown, path: string): Violation[] {
  if (key === undefined) return [];
  return typeof key === 'string' && key.length >= 1 && key.length <= MAX_KEY_LENGTH ? [] : [{ path, message: `must be a string of 1 to ${MAX_KEY_LENGTH} characters` }];
}

/**
 * Checks a command request: its envelope, and its data against the contract's schema (the
 * gateway checked that too; this service does not rely on it). Data violations keep the
 * paths the contract gives them. A malformed traceparent is dropped rather than refused,
 * as W3C trace context asks of receivers.
 */
export function validateRequest(request: CommandRequest, correlationId: string): ValidRequest {
  if (!isCommandType(request.type)) throw new UnknownCommandError(String(request.type));
  const violations = [
    ...metadataViolations(request.metadata),
    ...keyViolations(request.idempotencyKey, '/idempotencyKey'),
    ...validateCommand(request.type, request.data),
  ];
  let expectedRevision: bigint | undefined;
  if (typeof request.expectedRevision === 'bigint') expectedRevision = request.expectedRevision;
  else if (typeof request.expectedRevision === 'string') {
    try {
      expectedRevision = parsePosition(request.expectedRevision, 'expectedRevision');
    } catch (error) {
      violations.push(...((error as ValidationError).violations ?? []));
    }
  } else if (request.expectedRevision !== undefined) violations.push({ path: '/expectedRevision', message: 'must be a decimal string' });
  if (violations.length) throw new ValidationError('Invalid command request', violations);

  const { userId, roles, traceparent, tracestate } = request.metadata;
  const traced = typeof traceparent === 'string' && TRACEPARENT.test(traceparent);
  return {
    type: request.type,
    // One spelling per id from here on: an upper-case UUID would name another stream.
    data: canonicalIds(request.data),
    metadata: {
      userId,
      roles,
      correlationId,
      ...(traced && { traceparent }),
      ...(traced && typeof tracestate === 'string' && tracestate.length <= 512 && { tracestate }),
    },
    ...(request.idempotencyKey !== undefined && { idempotencyKey: request.idempotencyKey }),
    ...(expectedRevision !== undefined && { expectedRevision }),
  };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
