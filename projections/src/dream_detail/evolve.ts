/** How one event changes a dream's detail row (the dream itself, without its children). */
import { importOrigin } from '../shared/import-origin.js';
import { occurredAt } from '../shared/time.js';
import { markSynced, markSyncFailed, UNSYNCED } from '../shared/sync-state.js';
import type { DreamEvent } from '../runtime/events.js';
import type { DreamDetailRow, Implementation } from './migrations.js';

const NO_IMPLEMENTATION: Implementation = {
  status: 'requested',
  notes: null,
  requestedAt: null,
  completedAt: null,
  pipelineosProjectId: null,
  ticketsCreated: null,
  agentsAssigned: [],
  estimatedCompletion: null,
};

/** The row after `event`; undefined when the dream is deleted or was never seen. */
export function evolveDetail(row: DreamDetailRow | undefined, event: DreamEvent): DreamDetailRow | undefined {
  const at = occurredAt(event);
  if (event.type === 'DreamCreated' || event.type === 'DreamImported') {
    const { data } = event;
    return {
      dream_id: data.dreamId,
      owner_id: data.ownerId,
      title: data.title,
      description: data.description ?? null,
      summary: data.summary ?? null,
      status: data.status,
      brand: data.brand,
      tags: [...data.tags],
      created_at: at,
      updated_at: at,
      revision: event.revision,
      pipelineos_project_id: null,
      implementation: null,
      sync: UNSYNCED,
      ...importOrigin(event),
    };
  }
  if (!row) return undefined;
  const next: DreamDetailRow = { ...row, updated_at: at, revision: event.revision };
  switch (event.type) {
    case 'DreamDetailsChanged': {
      const { title, description, summary } = event.data.changes;
      return { ...next, title: title ?? row.title, description: description ?? row.description, summary: summary ?? row.summary };
    }
    case 'DreamStatusChanged':
      return { ...next, status: event.data.to };
    case 'DreamArchived':
      return { ...next, status: 'archived' };
    case 'DreamBrandChanged':
      return { ...next, brand: event.data.to };
    case 'DreamTagged':
      return { ...next, tags: [...row.tags, ...event.data.tags.filter((tag) => !row.tags.includes(tag))] };
    case 'DreamUntagged':
      return { ...next, tags: row.tags.filter((tag) => !event.data.tags.includes(tag)) };
    case 'ImplementationRequested':
      return {
        ...next,
        implementation: { ...(row.implementation ?? NO_IMPLEMENTATION), status: 'requested', notes: event.data.notes ?? null, requestedAt: at, completedAt: null },
      };
    case 'ImplementationCompleted': {
      const { pipelineosProjectId, ticketsCreated, agentsAssigned, estimatedCompletion } = event.data;
      return {
        ...next,
        pipelineos_project_id: row.pipelineos_project_id ?? pipelineosProjectId,
        implementation: {
          ...(row.implementation ?? NO_IMPLEMENTATION),
          status: 'completed',
          completedAt: at,
          pipelineosProjectId,
          ticketsCreated,
          agentsAssigned: [...agentsAssigned],
          estimatedCompletion: estimatedCompletion ?? null,
        },
      };
    }
    case 'DreamSynced':
      return { ...next, pipelineos_project_id: event.data.pipelineosProjectId, sync: markSynced(row.sync, event.data.pipelineosProjectId, at) };
    case 'DreamSyncFailed':
      return { ...next, sync: markSyncFailed(row.sync, event.data.reason, at) };
    case 'FragmentCaptured':
    case 'FragmentEdited':
    case 'FragmentRemoved':
    case 'TodoAdded':
    case 'TodoChanged':
    case 'TodoCompleted':
    case 'TodoRemoved':
    case 'DocumentAttached':
      return next;
    case 'DreamDeleted':
      return undefined;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
