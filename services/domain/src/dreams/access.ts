import { ConflictError, NotFoundError } from '@dreamcatcher/service-kit/errors';
import type { CommandMetadata } from './commands.js';
import type { Dream, ExistingDream } from './state.js';

/** Roles that may act on a dream they do not own, and which commands each may send. */
export type Access = 'owner' | 'owner-or-integration';

/**
 * The dream a command may act on. Absent, deleted and someone else's dream all answer
 * 404 alike, so a caller learns nothing about dreams that are not theirs. `admin` acts
 * on any dream; `integration` only where `access` allows it (reports back from PipelineOS).
 */
export function dreamFor(state: Dream, metadata: CommandMetadata, access: Access = 'owner'): ExistingDream {
  if (!state.exists || state.deleted) throw dreamNotFound();
  if (state.ownerId === metadata.userId || metadata.roles.includes('admin')) return state;
  if (access === 'owner-or-integration' && metadata.roles.includes('integration')) return state;
  throw dreamNotFound();
}

/** A new dream may only take an id no stream has used, deleted dreams included. */
export function assertNoDream(state: Dream, dreamId: string): void {
  if (state.exists) throw new ConflictError(`Dream ${dreamId} already exists`, 'dream_exists', { dreamId });
}

export const dreamNotFound = (): NotFoundError => new NotFoundError('Dream not found');
