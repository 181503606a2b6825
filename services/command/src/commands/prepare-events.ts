/**
 * The one place where decided events become events to append: ids, metadata and a last
 * check against the published contract.
 *
 * Every event of one command shares its metadata: who (userId), why (correlationId from
 * the request or new; causationId = the command id), trace context, when (occurredAt, the
 * same clock read that gave the decider its `now`), whose personal data it holds
 * (subjectId: the dream's owner) and the schema version (each type's current one). The store this service appends
 * through (the audited store) encrypts personal fields under the subject's key and chains
 * every event to the previous one of its stream (`hash`, `previousHash`).
 */
import { currentEventVersion, validateEvent, validateMetadata } from '@dreamcatcher/contracts';
import type { Dream, DreamEvent } from '@dreamcatcher/domain';
import type { EventMetadata, EventToAppend } from '@dreamcatcher/event-store';
import { eventId } from '../ids/ids.js';

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

export function eventMetadata(context: CommandContext, subjectId: string): EventMetadata {
  return {
    userId: context.userId,
    subjectId,
    correlationId: context.correlationId,
    causationId: context.commandId,
    commandId: context.commandId,
    commandType: context.commandType,
    occurredAt: context.occurredAt,
    schemaVersion: 1,
    ...(context.idempotencyKey !== undefined && { idempotencyKey: context.idempotencyKey }),
    ...(context.traceparent !== undefined && { traceparent: context.traceparent }),
    ...(context.tracestate !== undefined && { tracestate: context.tracestate }),
  };
}

/**
 * Whose personal data a dream's events hold: its owner, whoever sends the command (an
 * admin's edit or an integration's sync report is still about the owner's dream). A
 * command that starts a dream makes its creator the owner.
 */
export function dataSubject(state: Dream, events: readonly DreamEvent[], userId: string): string {
  if (state.exists) return state.ownerId;
  for (const event of events) {
    if (event.type === 'DreamCreated' || event.type === 'DreamImported') return event.data.ownerId;
  }
  return userId;
}

/**
 * Events to append for what the decider returned, about the personal data of `subjectId`.
 * An event that breaks its published schema is a bug in the domain, and is refused here
 * rather than stored for ever.
 */
export function prepareEvents(events: DreamEvent[], context: CommandContext, subjectId: string): EventToAppend[] {
  const metadata = eventMetadata(context, subjectId);
  const metadataViolations = validateMetadata(metadata);
  if (metadataViolations.length) throw new ContractBreachError('metadata', metadataViolations);
  return events.map((event, index) => {
    const schemaVersion = currentEventVersion(event.type);
    const violations = validateEvent(event.type, schemaVersion, event.data);
    if (violations.length) throw new ContractBreachError(event.type, violations);
    return { id: eventId(context.commandId, index), type: event.type, data: event.data, metadata: { ...metadata, schemaVersion } };
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
