import { ConflictError, NotFoundError } from '@dreamcatcher/service-kit/errors';
import type { CommandMetadata, DreamCommand } from './commands.js';
import type { Dream, ExistingDream } from './state.js';

/** Roles that may act on a dream they do not own, and which commands each may send. */
export type Access = 'owner' | 'owner-or-integration';

/** Commands that integrations may send about dreams they do not own (reports from PipelineOS). */
const INTEGRATION_REPORTS = new Set<DreamCommand['type']>(['CompleteImplementation', 'ReportSync']);

/**
 * The dream a command may act on. Absent, deleted and someone else's dream all answer
 * 404 alike, so a caller learns nothing about dreams that are not theirs. `admin` acts
 * on any dream; `integration` only where `access` allows it (reports back from PipelineOS).
 */
export function dreamFor(state: Dream, metadata: CommandMetadata, access: Access = 'owner'): ExistingDream {
  if (!state.exists || state.deleted) throw dreamNotFound();
  if (mayAct(state, metadata, access)) return state;
  throw dreamNotFound();
}

/**
 * A new dream may only take an id no stream has used, deleted dreams included. Only the
 * dream's own owner learns that the id is taken (409); anyone else gets the 404 an unknown
 * id would get, so an import cannot probe for other users' dreams.
 */
export function assertNoDream(state: Dream, dreamId: string, metadata: CommandMetadata): void {
  if (!state.exists) return;
  if (!mayAct(state, metadata, 'owner')) throw dreamNotFound();
  throw new ConflictError(`Dream ${dreamId} already exists`, 'dream_exists', { dreamId });
}

/** Whether the command starts a new dream rather than acting on one. */
function createsDream(command: DreamCommand, state: Dream): boolean {
  switch (command.type) {
    case 'CreateDream':
    case 'ImportDream':
      return true;
    case 'CaptureFragment':
      return command.data.newDream === true || (command.data.newDream === undefined && !state.exists);
    default:
      return false;
  }
}

/**
 * Ownership, checked before anything else about a command (its preconditions, its data):
 * a command about a dream the caller may not act on is a 404, whatever else is wrong with it,
 * so no answer (412 with a revision, 409 `dream_exists`) tells that the dream exists.
 */
export function checkAccess(command: DreamCommand, state: Dream): void {
  if (createsDream(command, state)) {
    if (state.exists && !mayAct(state, command.metadata, 'owner')) throw dreamNotFound();
    return;
  }
  dreamFor(state, command.metadata, INTEGRATION_REPORTS.has(command.type) ? 'owner-or-integration' : 'owner');
}

function mayAct(dream: ExistingDream, metadata: CommandMetadata, access: Access): boolean {
  if (dream.ownerId === metadata.userId || metadata.roles.includes('admin')) return true;
  return access === 'owner-or-integration' && metadata.roles.includes('integration');
}

export const dreamNotFound = (): NotFoundError => new NotFoundError('Dream not found');
