/**
 * Live messages, in the extension's sync-manager vocabulary, and how a change a projection
 * announced becomes them. Pure: the dream's current state is passed in.
 */
export type LiveMessage =
  | { type: 'dream_updated'; dream: unknown }
  | { type: 'dream_deleted'; dreamId: string }
  | { type: 'project_created'; dreamId: string; project: unknown }
  | { type: 'implementation_completed'; dreamId: string; result: unknown };

/** A message with the store position it reflects (the SSE `id:`). */
export interface LiveEvent {
  position: string;
  message: LiveMessage;
}

/** What a projection NOTIFYs on `dream_changes` after a batch changed a dream. */
export interface DreamChange {
  ownerId: string;
  dreamId: string;
  position: string;
  kind: string;
}

export function parseDreamChange(payload: string): DreamChange | undefined {
  try {
    const value = JSON.parse(payload) as Partial<Record<keyof DreamChange, unknown>>;
    const position = typeof value.position === 'number' ? String(value.position) : value.position;
    if (typeof value.ownerId !== 'string' || typeof value.dreamId !== 'string' || typeof position !== 'string' || !/^\d{1,20}$/.test(position)) {
      return undefined;
    }
    return { ownerId: value.ownerId, dreamId: value.dreamId, position, kind: typeof value.kind === 'string' ? value.kind : 'updated' };
  } catch {
    return undefined;
  }
}

const DELETED = new Set(['deleted', 'dream_deleted', 'DreamDeleted']);
const PROJECT_CREATED = new Set(['synced', 'project_created', 'DreamSynced']);
const IMPLEMENTATION_COMPLETED = new Set(['implementation_completed', 'ImplementationCompleted']);

/** Whether the messages for a change need the dream's current state (a deletion does not). */
export function needsDream(change: DreamChange): boolean {
  return !DELETED.has(change.kind);
}

interface DreamState {
  sync?: { pipelineosProjectId?: unknown; syncedAt?: unknown } | null;
  implementation?: unknown;
  pipelineosProjectId?: unknown;
}

/**
 * The messages for a change: `dream_deleted` for a deletion, else `dream_updated` with the
 * current state (nothing when the caller cannot see the dream), followed by `project_created` when the
 * dream was synced to PipelineOS and `implementation_completed` when its implementation
 * finished.
 */
export function messagesFor(change: DreamChange, dream: unknown | undefined): LiveMessage[] {
  if (DELETED.has(change.kind)) return [{ type: 'dream_deleted', dreamId: change.dreamId }];
  if (dream === undefined || dream === null) return [];
  const messages: LiveMessage[] = [{ type: 'dream_updated', dream }];
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
