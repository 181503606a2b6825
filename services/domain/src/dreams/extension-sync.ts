/**
 * An import decided as an upsert, as the extension needs it: it posts its whole dream again
 * whenever it is unsynced, under ids derived from its own local ids. A dream not yet held is
 * imported (DreamImported, with its origin); a held one gets only the events of what differs,
 * each decided by the command that owns that change, so an identical re-post writes nothing
 * and one new fragment writes one FragmentCaptured.
 */
import type { ImportDream } from './commands.js';
import { changeDreamDetails, setDreamTags } from './details.js';
import type { DreamEvent } from './events.js';
import { addFragment, editFragment } from './fragments.js';
import { changeDreamStatus, importDream } from './lifecycle.js';
import { evolve, type Dream } from './state.js';

export function syncImportedDream(command: ImportDream, state: Dream): DreamEvent[] {
  if (!state.exists) return importDream(command, state);
  const { data, metadata } = command;
  const { dreamId, dream } = data;
  const events: DreamEvent[] = [];
  let current: Dream = state;
  const take = (decided: DreamEvent[]) => {
    for (const event of decided) current = evolve(current, event);
    events.push(...decided);
  };

  take(changeDreamDetails({ type: 'ChangeDreamDetails', data: { dreamId, title: dream.title, ...(dream.description !== undefined && { description: dream.description }) }, metadata }, current));
  if (dream.status !== undefined) take(changeDreamStatus({ type: 'ChangeDreamStatus', data: { dreamId, status: dream.status }, metadata }, current));
  if (dream.tags !== undefined) take(setDreamTags({ type: 'SetDreamTags', data: { dreamId, tags: dream.tags }, metadata }, current));
  for (const { fragmentId, capturedAt: _capturedAt, mode: _mode, source: _source, ...fields } of dream.fragments ?? []) {
    const held = current.exists && current.fragments.some((f) => f.fragmentId === fragmentId);
    if (held) take(editFragment({ type: 'EditFragment', data: { dreamId, fragmentId, ...fields }, metadata }, current));
    else {
      const input = dream.fragments!.find((f) => f.fragmentId === fragmentId)!;
      take(addFragment({ type: 'AddFragment', data: { dreamId, ...input }, metadata }, current));
    }
  }
  return events;
}
