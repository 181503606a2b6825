import type { DreamDetailsChanged } from '@dreamcatcher/contracts';
import { dreamFor } from './access.js';
import type { ChangeDreamDetails, SetDreamTags } from './commands.js';
import type { DreamEvent } from './events.js';
import { brand, dreamTitle, normaliseTags, optional, Violations } from './rules.js';
import type { Dream } from './state.js';

/**
 * DreamDetailsChanged with only the fields that differ, then DreamBrandChanged when the
 * brand differs; nothing when nothing would change.
 */
export function changeDreamDetails({ data, metadata }: ChangeDreamDetails, state: Dream): DreamEvent[] {
  const dream = dreamFor(state, metadata);
  const violations = new Violations();
  const title = data.title === undefined ? undefined : dreamTitle(data.title, '/title', violations);
  const nextBrand = data.brand === undefined ? undefined : brand(data.brand, '/brand', violations);
  violations.throwIfAny();

  const changes: DreamDetailsChanged['changes'] = {
    ...optional('title', title === dream.title ? undefined : title),
    ...optional('description', data.description === dream.description ? undefined : data.description),
    ...optional('summary', data.summary === dream.summary ? undefined : data.summary),
  };
  const events: DreamEvent[] = [];
  if (Object.keys(changes).length > 0) events.push({ type: 'DreamDetailsChanged', data: { dreamId: dream.id, changes } });
  if (nextBrand !== undefined && nextBrand !== dream.brand) {
    events.push({ type: 'DreamBrandChanged', data: { dreamId: dream.id, from: dream.brand, to: nextBrand } });
  }
  return events;
}

/**
 * Makes the tags equal to the given set (normalised): DreamTagged with the added tags,
 * then DreamUntagged with the removed ones. A mere reordering changes nothing.
 */
export function setDreamTags({ data, metadata }: SetDreamTags, state: Dream): DreamEvent[] {
  const dream = dreamFor(state, metadata);
  const violations = new Violations();
  const tags = normaliseTags(data.tags, '/tags', violations);
  violations.throwIfAny();
  const added = tags.filter((t) => !dream.tags.includes(t));
  const removed = dream.tags.filter((t) => !tags.includes(t));
  const events: DreamEvent[] = [];
  if (added.length > 0) events.push({ type: 'DreamTagged', data: { dreamId: dream.id, tags: added } });
  if (removed.length > 0) events.push({ type: 'DreamUntagged', data: { dreamId: dream.id, tags: removed } });
  return events;
}
