import { expect } from 'chai';
import { aFragment, aTodo, DREAM_ID, dreamCreated, OWNER_ID } from '../testing/index.js';
import { foldDream } from './decider.js';
import type { DreamEvent, RecordedDreamEvent } from './events.js';
import { evolve, initialState } from './state.js';

const dreamId = DREAM_ID;
const at = (minute: number) => `2025-03-01T12:${String(minute).padStart(2, '0')}:00.000Z`;
/** Events as the store returns them: each with the time it was recorded. */
const recorded = (events: DreamEvent[]): RecordedDreamEvent[] => events.map((event, i) => ({ ...event, metadata: { occurredAt: at(i) } }));

const f1 = aFragment({ fragmentId: 'f1', title: 'First chat' });
const f2 = aFragment({ fragmentId: 'f2', title: 'Second chat', features: ['search'] });
const f3 = aFragment({ fragmentId: 'f3', title: 'Third chat' });
const t1 = aTodo({ todoId: 't1', title: 'Sketch' });
const t2 = aTodo({ todoId: 't2', title: 'Build', priority: 'high' });
const t3 = aTodo({ todoId: 't3', title: 'Ship' });
const document = { documentId: 'd1', title: 'Spec', fileName: 'spec.pdf', fileType: 'application/pdf', size: 2048 };

const history: DreamEvent[] = [
  dreamCreated({ title: 'Draft', description: 'First thoughts', tags: ['ai', 'web'] }), // 00
  { type: 'FragmentCaptured', data: { dreamId, fragment: f1 } }, // 01
  { type: 'FragmentCaptured', data: { dreamId, fragment: f2 } }, // 02
  { type: 'FragmentCaptured', data: { dreamId, fragment: f3 } }, // 03
  { type: 'FragmentEdited', data: { dreamId, fragmentId: 'f2', changes: { title: 'Search chat', features: ['search', 'ranking'] } } }, // 04
  { type: 'FragmentRemoved', data: { dreamId, fragmentId: 'f1' } }, // 05
  { type: 'DreamDetailsChanged', data: { dreamId, changes: { title: 'Search engine', summary: 'A small search engine' } } }, // 06
  { type: 'DreamBrandChanged', data: { dreamId, from: 'personal', to: 'bc-studio' } }, // 07
  { type: 'DreamTagged', data: { dreamId, tags: ['rust'] } }, // 08
  { type: 'DreamUntagged', data: { dreamId, tags: ['ai'] } }, // 09
  { type: 'TodoAdded', data: { dreamId, todo: t1 } }, // 10
  { type: 'TodoAdded', data: { dreamId, todo: t2 } }, // 11
  { type: 'TodoAdded', data: { dreamId, todo: t3 } }, // 12
  { type: 'TodoChanged', data: { dreamId, todoId: 't2', changes: { assignedTo: 'ana', status: 'in_progress' } } }, // 13
  { type: 'TodoCompleted', data: { dreamId, todoId: 't1' } }, // 14
  { type: 'TodoRemoved', data: { dreamId, todoId: 't3' } }, // 15
  { type: 'DocumentAttached', data: { dreamId, document } }, // 16
  { type: 'DreamStatusChanged', data: { dreamId, from: 'idea', to: 'in_progress' } }, // 17
  { type: 'ImplementationRequested', data: { dreamId, notes: 'MVP first' } }, // 18
  { type: 'DreamSynced', data: { dreamId, pipelineosProjectId: 'pl-42' } }, // 19
  { type: 'ImplementationCompleted', data: { dreamId, pipelineosProjectId: 'pl-42', ticketsCreated: 5, agentsAssigned: ['builder'] } }, // 20
  { type: 'DreamSyncFailed', data: { dreamId, reason: 'timeout' } }, // 21
  { type: 'DreamArchived', data: { dreamId, from: 'in_progress' } }, // 22
];

describe('evolve', () => {
  it('folds a long history into the dream as it stands', () => {
    expect(foldDream(recorded(history))).to.deep.equal({
      exists: true,
      id: dreamId,
      ownerId: OWNER_ID,
      status: 'archived',
      title: 'Search engine',
      description: 'First thoughts',
      summary: 'A small search engine',
      brand: 'bc-studio',
      tags: ['web', 'rust'],
      fragments: [{ ...f2, title: 'Search chat', features: ['search', 'ranking'] }, f3],
      todos: [{ ...t1, status: 'completed' }, { ...t2, assignedTo: 'ana', status: 'in_progress' }],
      documents: [document],
      implementation: {
        status: 'completed',
        requestedAt: at(18),
        notes: 'MVP first',
        pipelineosProjectId: 'pl-42',
        ticketsCreated: 5,
        agentsAssigned: ['builder'],
        completedAt: at(20),
      },
      sync: { status: 'failed', pipelineosProjectId: 'pl-42', syncedAt: at(19), reason: 'timeout', failedAt: at(21) },
      createdAt: at(0),
      updatedAt: at(22),
      deleted: false,
    });
  });

  it('gives plain JSON data: the state survives a JSON round trip unchanged', () => {
    const state = foldDream(recorded([...history, { type: 'DreamDeleted', data: { dreamId } }]));
    expect(JSON.parse(JSON.stringify(state))).to.deep.equal(state);
    expect(state).to.include({ deleted: true, status: 'archived' });
  });

  it('restores an archived dream and starts a new implementation request afresh', () => {
    const state = foldDream([
      ...history,
      { type: 'DreamStatusChanged', data: { dreamId, from: 'archived', to: 'idea' } },
      { type: 'ImplementationRequested', data: { dreamId } },
    ]);
    expect(state.exists && state.status).to.equal('idea');
    expect(state.exists && state.implementation).to.deep.equal({ status: 'requested' });
  });

  it('leaves timestamps unset when the events carry no metadata', () => {
    const state = foldDream(history.slice(0, 3));
    expect(state).not.to.have.any.keys('createdAt', 'updatedAt');
  });

  it('ignores events that arrive before the dream exists, and does not change the state it is given', () => {
    const empty = initialState();
    expect(evolve(empty, { type: 'DreamDeleted', data: { dreamId } })).to.deep.equal({ exists: false });
    const created = evolve(empty, history[0]!);
    const snapshot = JSON.stringify(created);
    evolve(created, history[8]!);
    evolve(created, history[1]!);
    expect(JSON.stringify(created)).to.equal(snapshot);
  });

  it('restores imported fragments and todos in order', () => {
    const state = foldDream([
      {
        type: 'DreamImported',
        data: { dreamId, ownerId: OWNER_ID, title: 'Imported', status: 'completed', brand: 'personal', tags: [], fragments: [f1, f2], todos: [t1, t2] },
      },
    ]);
    expect(state.exists && state.fragments.map((f) => f.fragmentId)).to.deep.equal(['f1', 'f2']);
    expect(state.exists && state.todos.map((t) => t.todoId)).to.deep.equal(['t1', 't2']);
    expect(state.exists && state.status).to.equal('completed');
  });
});
