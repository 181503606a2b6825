import type { CreateDream as CreateDreamData, DreamCreated, PipelineOSOptions } from '@dreamcatcher/contracts';
import { assertNoDream, dreamFor } from './access.js';
import type { ArchiveDream, ChangeDreamStatus, CreateDream, DeleteDream, ImportDream } from './commands.js';
import type { DreamEvent } from './events.js';
import { newFragment } from './fragments.js';
import { assertDreamSize } from './size.js';
import { brand, dreamStatus, dreamTitle, normaliseTags, optional, uniqueIds, Violations } from './rules.js';
import type { Dream } from './state.js';
import { newTodo } from './todos.js';

/** A new dream's facts with the defaults: status `idea`, brand `personal`, no tags. */
function newDream(input: CreateDreamData, dreamId: string, ownerId: string, path: string, violations: Violations): DreamCreated {
  return {
    dreamId,
    ownerId,
    title: dreamTitle(input.title, `${path}/title`, violations),
    ...optional('description', input.description),
    status: dreamStatus(input.status, `${path}/status`, violations),
    brand: brand(input.brand, `${path}/brand`, violations),
    tags: normaliseTags(input.tags ?? [], `${path}/tags`, violations),
    ...optional('summary', input.summary),
  };
}

export function createDream({ data, metadata }: CreateDream, state: Dream): DreamEvent[] {
  const violations = new Violations();
  const { dreamId, ...input } = data;
  const created = newDream(input, dreamId, metadata.userId, '', violations);
  violations.throwIfAny();
  assertNoDream(state, dreamId, metadata);
  return [{ type: 'DreamCreated', data: created }];
}

/** One event holds the whole imported dream, so a reader never sees it half imported. */
export function importDream({ data, metadata }: ImportDream, state: Dream): DreamEvent[] {
  const violations = new Violations();
  const { fragments = [], todos = [], ...input } = data.dream;
  const created = newDream(input, data.dreamId, metadata.userId, '/dream', violations);
  uniqueIds(fragments.map((f) => f.fragmentId), '/dream/fragments', 'fragmentId', violations);
  uniqueIds(todos.map((t) => t.todoId), '/dream/todos', 'todoId', violations);
  const imported = {
    ...created,
    fragments: fragments.map((f, i) => newFragment(f, metadata.now, `/dream/fragments/${i}`, violations)),
    todos: todos.map((t, i) => newTodo(t, `/dream/todos/${i}`, violations)),
    ...(data.origin !== undefined && { origin: { client: data.origin.client, localId: data.origin.localId } }),
    ...(data.pipelineOSOptions !== undefined && { pipelineOSOptions: pipelineOSOptions(data.pipelineOSOptions) }),
  };
  violations.throwIfAny();
  assertNoDream(state, data.dreamId, metadata);
  assertDreamSize(imported.fragments);
  return [{ type: 'DreamImported', data: imported }];
}

/**
 * `archived` archives (DreamArchived remembers the status it left); any other status is
 * reachable from any status, which is also how an archived dream is restored.
 */
export function changeDreamStatus({ data, metadata }: ChangeDreamStatus, state: Dream): DreamEvent[] {
  const dream = dreamFor(state, metadata);
  const violations = new Violations();
  const to = dreamStatus(data.status, '/status', violations);
  violations.throwIfAny();
  if (to === dream.status) return [];
  if (to === 'archived') return [{ type: 'DreamArchived', data: { dreamId: dream.id, from: dream.status } }];
  return [{ type: 'DreamStatusChanged', data: { dreamId: dream.id, from: dream.status, to } }];
}

export function archiveDream({ data, metadata }: ArchiveDream, state: Dream): DreamEvent[] {
  return changeDreamStatus({ type: 'ChangeDreamStatus', data: { dreamId: data.dreamId, status: 'archived' }, metadata }, state);
}

export function deleteDream({ metadata }: DeleteDream, state: Dream): DreamEvent[] {
  const dream = dreamFor(state, metadata);
  return [{ type: 'DreamDeleted', data: { dreamId: dream.id } }];
}

/** Only the three known switches, so nothing else a client sends is stored. */
function pipelineOSOptions(options: PipelineOSOptions): PipelineOSOptions {
  return { createProject: options.createProject, createTickets: options.createTickets, assignAgents: options.assignAgents };
}
