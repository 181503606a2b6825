/**
 * Live messages, in the extension's sync-manager vocabulary, and how a change a projection
 * announced becomes them. Pure: the dream's current state is passed in when a message needs it.
 *
 * A change is announced as a small notice (which dream, its revision, which of its parts
 * changed, the fragments it captured), never as the whole dream: a client that wants the
 * content reads `GET /dreams/:id`. A dream may be megabytes; a notice stays a few hundred
 * bytes however many connections receive it.
 */
export interface DreamUpdated {
  type: 'dream_updated';
  dreamId: string;
  /** The dream's revision after the change (its ETag); null when the announcement did not say. */
  revision: string | null;
  /** Which parts of the dream changed: `fragments`, `todos`, `documents`, `details`, `status`, `brand`, `tags`, `sync`, `implementation`, or `dream` (created or imported whole). */
  changed: string[];
  /** Fragments the change captured (at most 20; read the detail for the rest). */
  fragmentIds?: string[];
}

export type LiveMessage =
  | DreamUpdated
  | { type: 'dream_deleted'; dreamId: string }
  | { type: 'project_created'; dreamId: string; project: unknown }
  | { type: 'implementation_completed'; dreamId: string; result: unknown }
  | ImportProgress;

/** An import job's state, pushed as it changes (not a store event: it has no position). */
export interface ImportProgress {
  type: 'import_progress';
  id: string;
  status: string;
  format: string | null;
  conversations: { total: number; imported: number; skipped: number; failed: number };
}

/** A message with the store position it reflects (the SSE `id:`); none for an import's progress. */
export interface LiveEvent {
  position?: string;
  message: LiveMessage;
}

/** What a projection NOTIFYs on `dream_changes` after a batch changed a dream. */
export interface DreamChange {
  ownerId: string;
  dreamId: string;
  position: string;
  kind: string;
  revision?: string;
  /** Event types of the change. */
  types?: string[];
  fragmentIds?: string[];
}

const POSITION = /^\d{1,20}$/;
const MAX_ANNOUNCED_FRAGMENTS = 20;
const strings = (value: unknown, max: number): string[] | undefined =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item.length <= 100).slice(0, max) : undefined;

export function parseDreamChange(payload: string): DreamChange | undefined {
  try {
    const value = JSON.parse(payload) as Partial<Record<keyof DreamChange, unknown>>;
    const position = typeof value.position === 'number' ? String(value.position) : value.position;
    if (typeof value.ownerId !== 'string' || typeof value.dreamId !== 'string' || typeof position !== 'string' || !POSITION.test(position)) {
      return undefined;
    }
    const revision = typeof value.revision === 'string' && POSITION.test(value.revision) ? value.revision : undefined;
    const types = strings(value.types, 50);
    const fragmentIds = strings(value.fragmentIds, MAX_ANNOUNCED_FRAGMENTS);
    return {
      ownerId: value.ownerId,
      dreamId: value.dreamId,
      position,
      kind: typeof value.kind === 'string' ? value.kind : 'updated',
      ...(revision && { revision }),
      ...(types && { types }),
      ...(fragmentIds && { fragmentIds }),
    };
  } catch {
    return undefined;
  }
}

const DELETED = new Set(['deleted', 'dream_deleted', 'DreamDeleted']);
const PROJECT_CREATED = new Set(['synced', 'project_created', 'DreamSynced']);
const IMPLEMENTATION_COMPLETED = new Set(['implementation_completed', 'ImplementationCompleted']);

/** The part of a dream each event type changes. */
const CHANGED: Record<string, string> = {
  DreamCreated: 'dream',
  DreamImported: 'dream',
  DreamDetailsChanged: 'details',
  DreamStatusChanged: 'status',
  DreamArchived: 'status',
  DreamBrandChanged: 'brand',
  DreamTagged: 'tags',
  DreamUntagged: 'tags',
  FragmentCaptured: 'fragments',
  FragmentEdited: 'fragments',
  FragmentRemoved: 'fragments',
  TodoAdded: 'todos',
  TodoChanged: 'todos',
  TodoCompleted: 'todos',
  TodoRemoved: 'todos',
  DocumentAttached: 'documents',
  DreamSynced: 'sync',
  DreamSyncFailed: 'sync',
  ImplementationRequested: 'implementation',
  ImplementationCompleted: 'implementation',
};

/** The parts of a dream that events of `types` changed; `dream` when they are not known. */
export function changedParts(types: readonly string[]): string[] {
  const parts = [...new Set(types.map((type) => CHANGED[type] ?? 'dream'))];
  return parts.length ? parts : ['dream'];
}

/** Whether the messages for a change need the dream's current state (only the project and implementation messages carry content). */
export function needsDream(change: DreamChange): boolean {
  return PROJECT_CREATED.has(change.kind) || IMPLEMENTATION_COMPLETED.has(change.kind);
}

/** The `dream_updated` notice of a change. */
export function noticeOf(change: Pick<DreamChange, 'dreamId' | 'revision' | 'types' | 'fragmentIds'>): DreamUpdated {
  const fragmentIds = change.fragmentIds?.slice(0, MAX_ANNOUNCED_FRAGMENTS);
  return {
    type: 'dream_updated',
    dreamId: change.dreamId,
    revision: change.revision ?? null,
    changed: changedParts(change.types ?? []),
    ...(fragmentIds?.length && { fragmentIds }),
  };
}

interface DreamState {
  sync?: { pipelineosProjectId?: unknown; syncedAt?: unknown } | null;
  implementation?: unknown;
  pipelineosProjectId?: unknown;
}

/**
 * The messages for a change: `dream_deleted` for a deletion, else the `dream_updated` notice,
 * followed by `project_created` when the dream was synced to PipelineOS and
 * `implementation_completed` when its implementation finished (those two carry the dream's
 * current sync or implementation state, so nothing is sent for them when the caller cannot
 * see the dream).
 */
export function messagesFor(change: DreamChange, dream: unknown | undefined): LiveMessage[] {
  if (DELETED.has(change.kind)) return [{ type: 'dream_deleted', dreamId: change.dreamId }];
  const messages: LiveMessage[] = [noticeOf(change)];
  if (!needsDream(change)) return messages;
  if (dream === undefined || dream === null) return [];
  const state = dream as DreamState;
  if (PROJECT_CREATED.has(change.kind)) {
    const projectId = state.sync?.pipelineosProjectId ?? state.pipelineosProjectId;
    messages.push({ type: 'project_created', dreamId: change.dreamId, project: { id: projectId ?? null, ...(state.sync ?? {}) } });
  }
  if (IMPLEMENTATION_COMPLETED.has(change.kind)) {
    messages.push({ type: 'implementation_completed', dreamId: change.dreamId, result: state.implementation ?? null });
  }
  return messages;
}

/** The `import_progress` NOTIFY payload: its owner and the message; undefined when malformed. */
export function parseImportProgress(payload: string): { userId: string; message: ImportProgress } | undefined {
  try {
    const { userId, id, status, format, conversations } = JSON.parse(payload) as Record<string, unknown>;
    if (typeof userId !== 'string' || typeof id !== 'string' || typeof status !== 'string') return undefined;
    const counts = conversations as ImportProgress['conversations'];
    return { userId, message: { type: 'import_progress', id, status, format: typeof format === 'string' ? format : null, conversations: counts } };
  } catch {
    return undefined;
  }
}
