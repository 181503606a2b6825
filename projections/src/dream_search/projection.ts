/** `dream_search`: full-text search over dream titles, descriptions and fragment content, per owner. */
import { occurredAt } from '../shared/time.js';
import type { DreamEvent } from '../runtime/events.js';
import type { Projection } from '../runtime/projection.js';
import { dreamSearchTable, fragmentSearchTable, type DreamSearchRow } from './migrations.js';

function evolve(row: DreamSearchRow | undefined, event: DreamEvent): DreamSearchRow | undefined {
  const at = occurredAt(event);
  if (event.type === 'DreamCreated' || event.type === 'DreamImported') {
    const { dreamId, ownerId, title, description, summary, status, brand, tags } = event.data;
    return { dream_id: dreamId, owner_id: ownerId, title, description: description ?? null, summary: summary ?? null, status, brand, tags: [...tags], updated_at: at };
  }
  if (!row) return undefined;
  const next = { ...row, updated_at: at };
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
    case 'DreamDeleted':
      return undefined;
    default:
      return next;
  }
}

export const dreamSearchProjection: Projection = {
  name: 'dream_search',
  handles: [
    'DreamCreated',
    'DreamImported',
    'DreamDetailsChanged',
    'DreamStatusChanged',
    'DreamArchived',
    'DreamBrandChanged',
    'DreamTagged',
    'DreamUntagged',
    'FragmentCaptured',
    'FragmentEdited',
    'FragmentRemoved',
    'DreamDeleted',
  ],
  tables: [dreamSearchTable, fragmentSearchTable],
  apply(tx, event) {
    const dreams = tx.table(dreamSearchTable);
    const fragments = tx.table(fragmentSearchTable);
    const dreamId = event.data.dreamId;
    const before = dreams.get(dreamId);
    const after = evolve(before, event);
    const owner = after?.owner_id ?? before?.owner_id;
    if (!owner) return;
    if (after) dreams.put(after);
    else dreams.delete({ dream_id: dreamId });
    switch (event.type) {
      case 'DreamImported':
        for (const { fragmentId, title, content } of event.data.fragments) fragments.put({ dream_id: dreamId, fragment_id: fragmentId, owner_id: owner, title, content });
        break;
      case 'FragmentCaptured': {
        const { fragmentId, title, content } = event.data.fragment;
        fragments.put({ dream_id: dreamId, fragment_id: fragmentId, owner_id: owner, title, content });
        break;
      }
      case 'FragmentEdited': {
        const { title, content } = event.data.changes;
        if (title !== undefined || content !== undefined) {
          fragments.patch({ dream_id: dreamId, fragment_id: event.data.fragmentId }, { ...(title !== undefined && { title }), ...(content !== undefined && { content }) });
        }
        break;
      }
      case 'FragmentRemoved':
        fragments.delete({ dream_id: dreamId, fragment_id: event.data.fragmentId });
        break;
      case 'DreamDeleted':
        fragments.deleteWhere('dream_id', dreamId);
        break;
      default:
        break;
    }
  },
};
