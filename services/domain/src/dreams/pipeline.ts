import { ConflictError } from '@dreamcatcher/service-kit/errors';
import type { ImplementationCompleted } from '@dreamcatcher/contracts';
import { dreamFor } from './access.js';
import type { CompleteImplementation, ReportSync, RequestImplementation } from './commands.js';
import type { DreamEvent } from './events.js';
import { optional, sameJson, Violations } from './rules.js';
import type { Dream } from './state.js';

// The hand-over to PipelineOS: the owner asks for an implementation, the integration
// reports it done and reports each sync of the dream.

/** A second request while one is open is a 409; after a completion a new request may start. */
export function requestImplementation({ data, metadata }: RequestImplementation, state: Dream): DreamEvent[] {
  const dream = dreamFor(state, metadata);
  if (dream.implementation.status === 'requested') {
    throw new ConflictError('Implementation has already been requested', 'implementation_already_requested', { dreamId: dream.id });
  }
  return [{ type: 'ImplementationRequested', data: { dreamId: dream.id, ...optional('notes', data.notes) } }];
}

/**
 * Completes the open request. Without one it is a 409 `implementation_not_requested`;
 * the same report again is a no-op, a different one after completion a 409
 * `implementation_already_completed`.
 */
export function completeImplementation({ data, metadata }: CompleteImplementation, state: Dream): DreamEvent[] {
  const dream = dreamFor(state, metadata, 'owner-or-integration');
  const violations = new Violations();
  if (data.pipelineosProjectId.trim() === '') violations.add('/pipelineosProjectId', 'must not be blank');
  const ticketsCreated = data.ticketsCreated ?? 0;
  if (!Number.isInteger(ticketsCreated) || ticketsCreated < 0) violations.add('/ticketsCreated', 'must be a whole number from 0');
  violations.throwIfAny();

  const completed: ImplementationCompleted = {
    dreamId: dream.id,
    pipelineosProjectId: data.pipelineosProjectId,
    ticketsCreated,
    agentsAssigned: data.agentsAssigned ?? [],
    ...optional('estimatedCompletion', data.estimatedCompletion),
  };
  const { status, requestedAt: _r, notes: _n, completedAt: _c, ...previous } = dream.implementation;
  if (status === 'none') {
    throw new ConflictError('Implementation has not been requested', 'implementation_not_requested', { dreamId: dream.id });
  }
  if (status === 'completed') {
    const { dreamId: _id, ...outcome } = completed;
    if (sameJson(sortKeys(previous), sortKeys(outcome))) return [];
    throw new ConflictError('Implementation has already been completed', 'implementation_already_completed', { dreamId: dream.id });
  }
  return [{ type: 'ImplementationCompleted', data: completed }];
}

const sortKeys = (value: object): [string, unknown][] => Object.entries(value).sort(([a], [b]) => a.localeCompare(b));

/** Every report is recorded, repeats included: each one is the latest word on the sync. */
export function reportSync({ data, metadata }: ReportSync, state: Dream): DreamEvent[] {
  const dream = dreamFor(state, metadata, 'owner-or-integration');
  const violations = new Violations();
  if (data.status === 'synced') {
    if (data.pipelineosProjectId.trim() === '') violations.add('/pipelineosProjectId', 'must not be blank');
    violations.throwIfAny();
    return [{ type: 'DreamSynced', data: { dreamId: dream.id, pipelineosProjectId: data.pipelineosProjectId } }];
  }
  if (data.status === 'failed') return [{ type: 'DreamSyncFailed', data: { dreamId: dream.id, reason: data.reason } }];
  const unknown: { status: unknown } = data;
  violations.add('/status', `must be synced or failed (is ${String(unknown.status)})`);
  violations.throwIfAny();
  return [];
}
