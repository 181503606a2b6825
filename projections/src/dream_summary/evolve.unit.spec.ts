import { expect } from 'chai';
import type { EventDataByType } from '@dreamcatcher/contracts';
import type { DreamEvent, EventType } from '../runtime/events.js';
import { evolveSummary } from './evolve.js';
import type { DreamSummaryRow } from './migrations.js';

const DREAM = '6f1c0a52-1d8e-4c4e-9d55-3f0a4f1f0a01';
let revision = 0n;

function event<K extends EventType>(type: K, data: Omit<EventDataByType[K], 'dreamId'>): DreamEvent {
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, Number(revision))).toISOString();
  return {
    eventId: `e${revision}`,
    type,
    data: { dreamId: DREAM, ...data },
    metadata: { userId: 'u', correlationId: 'c', causationId: 'c', occurredAt: at, schemaVersion: 1 },
    streamId: `dream-${DREAM}`,
    revision: revision++,
    position: revision * 10n,
  } as DreamEvent;
}

/** given(events).then(row): folds the events and compares the resulting row. */
function given(...events: DreamEvent[]) {
  const row = events.reduce<DreamSummaryRow | undefined>((state, next) => evolveSummary(state, next), undefined);
  return { then: (expected: Partial<DreamSummaryRow> | undefined) => (expected === undefined ? expect(row).to.equal(undefined) : expect(row).to.deep.include(expected)) };
}

describe('dream_summary evolve', () => {
  beforeEach(() => (revision = 0n));
  const created = () => event('DreamCreated', { ownerId: 'u', title: 'T', status: 'idea', brand: 'personal', tags: ['a'] });
  const todo = (todoId: string, status: 'pending' | 'completed' = 'pending') => ({ todoId, title: todoId, priority: 'medium' as const, status, source: 'manual' as const });

  it('starts a dream from its creation, with no counts', () => {
    given(created()).then({ title: 'T', status: 'idea', brand: 'personal', tags: ['a'], fragment_count: 0, todo_count: 0, synced: false, revision: 0n });
  });

  it('counts todos by status, through completion, reopening and removal', () => {
    given(
      created(),
      event('TodoAdded', { todo: todo('t1') }),
      event('TodoAdded', { todo: todo('t2') }),
      event('TodoCompleted', { todoId: 't1' }),
      event('TodoCompleted', { todoId: 't2' }),
      event('TodoChanged', { todoId: 't2', changes: { status: 'pending' } }),
      event('TodoRemoved', { todoId: 't1' }),
    ).then({ todo_count: 1, completed_todos: 0, todo_states: { t2: 'pending' } });
  });

  it('takes fragments and todos of an import', () => {
    const fragment = { fragmentId: 'f', title: 'f', content: 'c', source: 'claude', mode: 'all' as const, features: [], codeSnippets: [], capturedAt: '2026-01-01T00:00:00.000Z' };
    given(event('DreamImported', { ownerId: 'u', title: 'I', status: 'in_progress', brand: 'bc-studio', tags: [], fragments: [fragment, { ...fragment, fragmentId: 'g' }], todos: [todo('t1', 'completed'), todo('t2')] })).then({
      fragment_count: 2,
      todo_count: 2,
      completed_todos: 1,
      status: 'in_progress',
    });
  });

  it('follows tags, status, brand, sync and the time of the last event', () => {
    given(
      created(),
      event('DreamTagged', { tags: ['b', 'a'] }),
      event('DreamUntagged', { tags: ['a'] }),
      event('DreamStatusChanged', { from: 'idea', to: 'completed' }),
      event('DreamBrandChanged', { from: 'personal', to: 'mpgworldwide' }),
      event('DreamSynced', { pipelineosProjectId: 'p1' }),
      event('DreamArchived', { from: 'completed' }),
    ).then({ tags: ['b'], status: 'archived', brand: 'mpgworldwide', synced: true, pipelineos_project_id: 'p1', updated_at: '2026-01-01T00:00:06.000Z', revision: 6n });
  });

  it('marks a dream unsynced after a failed re-sync, keeping its project', () => {
    given(created(), event('DreamSynced', { pipelineosProjectId: 'p1' }), event('DreamSyncFailed', { reason: 'down' })).then({ synced: false, pipelineos_project_id: 'p1' });
  });

  it('forgets a deleted dream, and ignores events for a dream it never saw', () => {
    given(created(), event('FragmentCaptured', { fragment: { fragmentId: 'f', title: 'f', content: 'c', source: 'x', mode: 'all', features: [], codeSnippets: [], capturedAt: '2026-01-01T00:00:00.000Z' } }), event('DreamDeleted', {})).then(undefined);
    given(event('DreamTagged', { tags: ['x'] })).then(undefined);
  });
});
