/**
 * Live updates: after a batch commits, `dream_detail` announces each dream it changed on
 * the `dream_changes` channel with a small JSON payload (far below PostgreSQL's 8000-byte
 * limit); the gateway turns them into the extension's sync-manager messages.
 */
import type { EventType } from '../runtime/events.js';

export type DreamChangeKind = 'updated' | 'deleted' | 'project_created' | 'implementation_completed';

export interface DreamChange {
  ownerId: string;
  dreamId: string;
  /** Store position of the last event of the change (decimal string): wait for it before reading. */
  position: string;
  revision: string;
  kind: DreamChangeKind;
  /** The event types of the change, in order of first appearance (a batch may hold several). */
  types?: string[];
  /** Fragments the change captured, at most `MAX_ANNOUNCED_FRAGMENTS` (a client reads the detail for more). */
  fragmentIds?: string[];
}

/** Keeps a notification payload small whatever a batch did to one dream. */
export const MAX_ANNOUNCED_FRAGMENTS = 20;

/** What the earlier events of a batch did to one dream, so its one notification can say all of it. */
export interface ChangeSoFar {
  types: string[];
  fragmentIds: string[];
}

/** Adds an event to what a batch did to a dream. */
export function accumulate(soFar: ChangeSoFar, type: string, fragmentId: string | undefined): ChangeSoFar {
  const types = soFar.types.includes(type) ? soFar.types : [...soFar.types, type];
  const fragmentIds = fragmentId && soFar.fragmentIds.length < MAX_ANNOUNCED_FRAGMENTS ? [...soFar.fragmentIds, fragmentId] : soFar.fragmentIds;
  return { types, fragmentIds };
}

export function dreamChangeKind(type: EventType): DreamChangeKind {
  switch (type) {
    case 'DreamDeleted':
      return 'deleted';
    case 'DreamSynced':
      return 'project_created';
    case 'ImplementationCompleted':
      return 'implementation_completed';
    default:
      return 'updated';
  }
}

export function encodeDreamChange(change: DreamChange): string {
  return JSON.stringify(change);
}

const KINDS = new Set<string>(['updated', 'deleted', 'project_created', 'implementation_completed']);

/** Parses a `dream_changes` payload; undefined when it is not one. */
export function parseDreamChange(payload: string | undefined): DreamChange | undefined {
  try {
    const value = JSON.parse(payload ?? '') as Partial<DreamChange>;
    const strings = [value.ownerId, value.dreamId, value.position, value.revision].every((field) => typeof field === 'string');
    return strings && KINDS.has(value.kind as string) ? (value as DreamChange) : undefined;
  } catch {
    return undefined;
  }
}
