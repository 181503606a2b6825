/**
 * The one place where decided events become events to append: ids, metadata and a last
 * check against the published contract.
 *
 * Every event of one command shares its metadata: who (userId), why (correlationId from
 * the request or new; causationId = the command id), trace context, when (occurredAt, the
 * same clock read that gave the decider its `now`) and the schema version. A later hash
 * chain (`hash`, `previousHash` over the stream) belongs here too, which is why appends
 * go through this function and nowhere else.
 */
import { validateEvent, validateMetadata } from '@dreamcatcher/contracts';
import type { DreamEvent } from '@dreamcatcher/domain';
import type { EventMetadata, EventToAppend } from '@dreamcatcher/event-store';
import { eventId } from '../ids/ids.js';

export const SCHEMA_VERSION = 1;

export interface CommandContext {
  commandId: string;
  commandType: string;
  userId: string;
  correlationId: string;
  /** ISO 8601; read once per command. */
  occurredAt: string;
  idempotencyKey?: string | undefined;
  traceparent?: string | undefined;
  tracestate?: string | undefined;
}

export function eventMetadata(context: CommandContext): EventMetadata {
  return {
    userId: context.userId,
    correlationId: context.correlationId,
    causationId: context.commandId,
    commandId: context.commandId,
    commandType: context.commandType,
    occurredAt: context.occurredAt,
    schemaVersion: SCHEMA_VERSION,
    ...(context.idempotencyKey !== undefined && { idempotencyKey: context.idempotencyKey }),
    ...(context.traceparent !== undefined && { traceparent: context.traceparent }),
    ...(context.tracestate !== undefined && { tracestate: context.tracestate }),
  };
}

/**
 * Events to append for what the decider returned. An event that breaks its published
 * schema is a bug in the domain, and is refused here rather than stored for ever.
 */
export function prepareEvents(events: DreamEvent[], context: CommandContext): EventToAppend[] {
  const metadata = eventMetadata(context);
  const metadataViolations = validateMetadata(metadata);
  if (metadataViolations.length) throw new ContractBreachError('metadata', metadataViolations);
  return events.map((event, index) => {
    const violations = validateEvent(event.type, SCHEMA_VERSION, event.data);
    if (violations.length) throw new ContractBreachError(event.type, violations);
    return { id: eventId(context.commandId, index), type: event.type, data: event.data, metadata };
  });
}

/** A decided event (or its metadata) does not match the contract: a 500, logged with the violations. */
export class ContractBreachError extends Error {
  constructor(
    readonly subject: string,
    readonly violations: { path: string; message: string }[],
  ) {
    super(`${subject} breaks its contract: ${violations.map((v) => `${v.path || '(root)'} ${v.message}`).join('; ')}`);
    this.name = 'ContractBreachError';
  }
}
