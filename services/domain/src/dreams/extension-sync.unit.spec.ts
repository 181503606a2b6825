import { NotFoundError } from '@dreamcatcher/service-kit/errors';
import { expect } from 'chai';
import { DREAM_ID, dreamDeleted, metadataOf, OTHER_USER_ID } from '../testing/index.js';
import type { ImportDream } from './commands.js';
import type { DreamEvent } from './events.js';
import { decide } from './decide.js';
import { syncImportedDream } from './extension-sync.js';
import { evolve, initialState, type Dream } from './state.js';

const metadata = metadataOf();
const first = { fragmentId: 'a1b2c3d4-0000-4000-8000-000000000001', title: 'Data model', content: 'User: hi', source: 'chatgpt', features: ['search'] };
const second = { fragmentId: 'a1b2c3d4-0000-4000-8000-000000000002', title: 'UI', content: 'User: colours?', source: 'claude' };

const sync = (dream: Record<string, unknown>): ImportDream => ({
  type: 'ImportDream',
  data: { dreamId: DREAM_ID, origin: { client: 'extension', localId: 'dream_1732000000000' }, dream: { title: 'Recipe app', status: 'idea', tags: ['food'], fragments: [first], ...dream } } as never,
  metadata,
});
const fold = (events: DreamEvent[], state: Dream = initialState()) => events.reduce(evolve, state);

describe('syncImportedDream (the extension re-posting its whole dream)', () => {
  const imported = syncImportedDream(sync({}), initialState());
  const held = fold(imported);

  it('imports a dream not yet held, with its origin', () => {
    expect(imported.map((e) => e.type)).to.deep.equal(['DreamImported']);
    expect(held).to.deep.include({ exists: true, title: 'Recipe app', origin: { client: 'extension', localId: 'dream_1732000000000' } });
  });

  it('writes nothing for an identical re-post', () => {
    expect(syncImportedDream(sync({}), held)).to.deep.equal([]);
  });

  it('is how an import naming its origin is decided', () => {
    expect(decide(sync({}), held)).to.deep.equal([]);
    expect(decide(sync({ fragments: [first, second] }), held).map((e) => e.type)).to.deep.equal(['FragmentCaptured']);
  });

  it('writes one event for one new fragment', () => {
    const events = syncImportedDream(sync({ fragments: [first, second] }), held);
    expect(events.map((e) => e.type)).to.deep.equal(['FragmentCaptured']);
  });

  it('writes just the changed fields', () => {
    const events = syncImportedDream(sync({ title: 'Meal planner', status: 'in_progress', fragments: [{ ...first, content: 'User: hi again' }] }), held);
    expect(events.map((e) => e.type)).to.deep.equal(['DreamDetailsChanged', 'DreamStatusChanged', 'FragmentEdited']);
    expect(events[2]!.data).to.deep.include({ changes: { content: 'User: hi again' } });
  });

  it('answers 404 for another user\'s dream and for a deleted one, whatever differs', () => {
    const theirs = { ...sync({}), metadata: metadataOf(OTHER_USER_ID) };
    expect(() => syncImportedDream(theirs, held)).to.throw(NotFoundError);
    expect(() => syncImportedDream(sync({}), fold([dreamDeleted()], held))).to.throw(NotFoundError);
  });
});
