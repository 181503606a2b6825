import { expect } from 'chai';
import { foldDream, type ExistingDream, type RecordedDreamEvent } from '@dreamcatcher/domain';
import { ValidationError } from '@dreamcatcher/service-kit/errors';
import { eraseSubject } from '../erasure/erase-subject.js';
import { ERASED_TEXT } from '../encryption/personal-fields.js';
import { useAuditFixture } from '../testing/audit-fixture.js';
import { DreamStory } from '../testing/dream-story.js';
import { dreamStateAt } from './dream-state-at.js';

describe('time travel', () => {
  const fixture = useAuditFixture();
  // One event a minute from 10:00: created, fragment, todo, tagged, in progress, retitled.
  const story = new DreamStory('tess', '2025-03-01T10:00:00.000Z');
  const events = [story.created('First title'), story.fragmentCaptured('Chat'), story.todoAdded('Todo'), story.tagged('ai'), story.statusChanged('in_progress'), story.retitled('Second title')];
  const dream = (state: unknown) => state as ExistingDream;

  before(async () => {
    await fixture.store.appendToStream(story.streamId, events, { expectedRevision: 'no_stream' });
  });

  it('gives the state at a revision, folded with the domain\'s evolve', async () => {
    const at0 = await dreamStateAt(fixture.store, story.dreamId, { revision: 0n });
    expect(at0).to.deep.include({ dreamId: story.dreamId, revision: '0', occurredAt: '2025-03-01T10:00:00.000Z' });
    expect(dream(at0!.state)).to.deep.include({ exists: true, title: 'First title', status: 'idea', tags: ['mobile'], fragments: [], todos: [] });

    const at3 = await dreamStateAt(fixture.store, story.dreamId, { revision: 3n });
    expect(at3!.revision).to.equal('3');
    expect(at3!.state).to.deep.equal(foldDream(events.slice(0, 4) as unknown as RecordedDreamEvent[]));
    expect(dream(at3!.state).tags).to.deep.equal(['mobile', 'ai']);
    expect(dream(at3!.state).fragments[0]!.title).to.equal('Chat');
  });

  it('gives the latest state for a revision past the end, saying which revision that is', async () => {
    const latest = await dreamStateAt(fixture.store, story.dreamId, { revision: 99n });
    expect(latest!.revision).to.equal('5');
    expect(dream(latest!.state)).to.include({ title: 'Second title', status: 'in_progress' });
  });

  it('gives the state at an instant: every event that had happened by then', async () => {
    const between = await dreamStateAt(fixture.store, story.dreamId, { at: '2025-03-01T10:04:30.000Z' });
    expect(between).to.deep.include({ revision: '4', occurredAt: '2025-03-01T10:04:00.000Z' });
    expect(dream(between!.state)).to.include({ title: 'First title', status: 'in_progress' });
    const exactly = await dreamStateAt(fixture.store, story.dreamId, { at: new Date('2025-03-01T10:01:00.000Z') });
    expect(exactly!.revision).to.equal('1');
  });

  it('has nothing before the first event, nor for an unknown dream, and refuses bad points', async () => {
    expect(await dreamStateAt(fixture.store, story.dreamId, { at: '2025-03-01T09:59:59.999Z' })).to.equal(undefined);
    expect(await dreamStateAt(fixture.store, '00000000-0000-4000-8000-000000000000', { revision: 0n })).to.equal(undefined);
    for (const point of [{ revision: -1n }, { at: 'not a date' }]) {
      expect(await dreamStateAt(fixture.store, story.dreamId, point).catch((caught: unknown) => caught)).to.be.instanceOf(ValidationError);
    }
  });

  it('shows placeholders for personal data once its owner was erased', async () => {
    await eraseSubject(fixture.store, fixture.keys, 'tess', { actor: 'admin' });
    const state = dream((await dreamStateAt(fixture.store, story.dreamId, { revision: 2n }))!.state);
    expect(state).to.include({ title: ERASED_TEXT, status: 'idea', brand: 'bc-studio' });
    expect(state.fragments[0]).to.include({ title: ERASED_TEXT, content: ERASED_TEXT });
    expect(state.todos[0]).to.include({ title: ERASED_TEXT, priority: 'high' });
  });
});
