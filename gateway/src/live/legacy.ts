/**
 * The message shapes the older extension reads on `/ws/dreamcatcher/<apiKey>`: a changed
 * dream arrives whole as a summary (never its fragment list), and every dream is named by
 * the extension's own local id when it came from the extension's import (`origin.localId`),
 * else by the server's id. New clients read the small notices of `/ws` instead.
 */
import type { LiveEvent } from './messages.js';

export type LoadDream = (userId: string, dreamId: string) => Promise<unknown>;

interface DetailFields {
  id: string;
  title?: string;
  description?: string | null;
  status?: string;
  tags?: string[];
  updated?: string;
  created?: string;
  summary?: string | null;
  synced?: boolean;
  pipelineosProjectId?: string | null;
  sync?: { status?: string; syncedAt?: string | null } | null;
  origin?: { localId?: string | null } | null;
}

/** The extension knows idea, in_progress and completed; an archived dream is done for it. */
const EXTENSION_STATUS: Record<string, string> = { idea: 'idea', in_progress: 'in_progress', completed: 'completed', archived: 'completed' };

/** A dream detail as the extension's summary: no fragments, todos or documents. */
export function extensionDream(detail: DetailFields): Record<string, unknown> {
  return {
    id: detail.origin?.localId ?? detail.id,
    serverId: detail.id,
    title: detail.title,
    description: detail.description ?? null,
    status: EXTENSION_STATUS[detail.status ?? ''] ?? 'idea',
    tags: detail.tags ?? [],
    created: detail.created,
    updated: detail.updated,
    summary: detail.summary ?? null,
    synced: detail.synced ?? false,
    syncStatus: detail.sync?.status ?? (detail.synced ? 'synced' : 'unsynced'),
    pipelineosProjectId: detail.pipelineosProjectId ?? null,
    syncedAt: detail.sync?.syncedAt ?? null,
  };
}

/**
 * Turns one connection's live events into the older shapes. It remembers the local id of
 * each dream it has loaded, since a deleted dream can no longer be read to find it.
 */
export function legacyTranslator(userId: string, loadDream: LoadDream): (event: LiveEvent) => Promise<Record<string, unknown> | undefined> {
  const localIds = new Map<string, string>();
  const load = async (dreamId: string) => {
    const detail = (await loadDream(userId, dreamId)) as DetailFields | undefined | null;
    if (!detail) return undefined;
    const dream = extensionDream(detail);
    localIds.set(dreamId, dream.id as string);
    return dream;
  };
  const localId = async (dreamId: string) => localIds.get(dreamId) ?? ((await load(dreamId))?.id as string | undefined) ?? dreamId;
  return async ({ message, position }) => {
    switch (message.type) {
      case 'dream_updated': {
        const dream = await load(message.dreamId);
        return dream && { type: 'dream_updated', dream, position };
      }
      case 'dream_deleted': {
        const dreamId = localIds.get(message.dreamId) ?? message.dreamId;
        localIds.delete(message.dreamId);
        return { type: 'dream_deleted', dreamId, position };
      }
      case 'project_created':
        return { type: 'project_created', dreamId: await localId(message.dreamId), project: message.project, position };
      case 'implementation_completed':
        return { type: 'implementation_completed', dreamId: await localId(message.dreamId), result: message.result, position };
      // Not a shape the older extension knows; it ignores types it does not handle.
      case 'import_progress':
        return { ...message };
      default: {
        const _exhaustive: never = message;
        return _exhaustive;
      }
    }
  };
}
