import { expect } from 'chai';
import { capturedDreamId, extensionDreamId, extensionFragmentId } from '../ids/extension-ids.js';
import { derivedIds, randomIds } from '../ids/ids.js';
import { prepareCommand } from './prepare-command.js';

const metadata = { userId: 'user-1', roles: ['user'], now: '2025-01-01T00:00:00.000Z' };
const fragment = { title: 'Idea', content: 'Text', source: 'claude' };

describe('preparing domain commands', () => {
  it('starts a new dream for a capture without a dream id, and names the one given otherwise', () => {
    const ids = derivedIds('user-1', 'k', 'hash');
    const fresh = prepareCommand({ type: 'CaptureFragment', data: { fragment } }, metadata, ids);
    expect(fresh.dreamId).to.equal(ids.id('dream'));
    expect(fresh.command).to.deep.equal({
      type: 'CaptureFragment',
      data: { dreamId: ids.id('dream'), newDream: true, fragment: { ...fragment, fragmentId: ids.id('fragment') } },
      metadata,
    });
    expect(fresh.createdIds).to.deep.equal({ fragmentId: ids.id('fragment') });

    const named = prepareCommand({ type: 'CaptureFragment', data: { dreamId: 'd-1', fragment } }, metadata, ids);
    expect(named.dreamId).to.equal('d-1');
    expect(named.command.data).to.include({ dreamId: 'd-1', newDream: false });
  });

  it('gives every imported fragment and todo its own id, and keeps a chosen dream id', () => {
    const ids = derivedIds('user-1', 'k', 'hash');
    const prepared = prepareCommand(
      { type: 'ImportDream', data: { dream: { id: 'chosen', title: 'Imported', fragments: [fragment, fragment], todos: [{ title: 'T' }] } } },
      metadata,
      ids,
    );
    expect(prepared.dreamId).to.equal('chosen');
    expect(prepared.createdIds).to.deep.equal({ fragmentIds: [ids.id('fragment', 0), ids.id('fragment', 1)], todoIds: [ids.id('todo', 0)] });
    expect(prepared.command.data).not.to.have.nested.property('dream.id');
  });

  it('keys an import with an origin by the caller and the local ids, whatever the request', () => {
    const data = { dream: { title: 'Mine', fragments: [fragment, fragment] }, origin: { client: 'extension' as const, localId: 'dream_1732000000000' }, localFragmentIds: ['frag_1', 'frag_2'] };
    const first = prepareCommand({ type: 'ImportDream', data }, metadata, randomIds());
    const again = prepareCommand({ type: 'ImportDream', data }, metadata, derivedIds('user-1', 'other', 'h'));
    expect(first.dreamId).to.equal(extensionDreamId('user-1', 'dream_1732000000000'));
    expect(again.dreamId).to.equal(first.dreamId);
    expect(first.createdIds.fragmentIds).to.deep.equal([extensionFragmentId('user-1', 'dream_1732000000000', 'frag_1'), extensionFragmentId('user-1', 'dream_1732000000000', 'frag_2')]);
    expect(again.createdIds).to.deep.equal(first.createdIds);
    expect(first.command.data).not.to.have.property('localFragmentIds');
  });

  it('captures by name into the one dream the caller and the name key, made when absent', () => {
    const first = prepareCommand({ type: 'CaptureFragment', data: { dreamName: ' Recipe App ', fragment } }, metadata, randomIds());
    const second = prepareCommand({ type: 'CaptureFragment', data: { dreamName: 'recipe app', fragment } }, metadata, randomIds());
    expect(first.dreamId).to.equal(capturedDreamId('user-1', 'recipe app'));
    expect(second.dreamId).to.equal(first.dreamId);
    expect(first.command.data).to.include({ dreamTitle: 'Recipe App' });
    expect(first.command.data).not.to.have.property('newDream');
    expect(first.command.data).not.to.have.property('dreamName');
  });

  it('refuses an upsert import whose local fragment ids do not name each fragment once', () => {
    const origin = { client: 'extension' as const, localId: 'dream_1' };
    const dream = { title: 'Mine', fragments: [fragment, fragment] };
    for (const localFragmentIds of [undefined, ['a'], ['a', 'a']]) {
      const data = { dream, origin, ...(localFragmentIds && { localFragmentIds }) };
      expect(() => prepareCommand({ type: 'ImportDream', data }, metadata, randomIds())).to.throw(/localFragmentIds/);
    }
  });

  it('keeps the ids of todos a replacement names and makes ids for the others', () => {
    const ids = derivedIds('user-1', 'k', 'hash');
    const prepared = prepareCommand({ type: 'ReplaceTodos', data: { dreamId: 'd-1', todos: [{ title: 'New' }, { todoId: 'kept', title: 'Old' }] } }, metadata, ids);
    expect(prepared.createdIds.todoIds).to.deep.equal([ids.id('todo', 0), 'kept']);
    const todos = (prepared.command.data as { todos: { todoId: string; newTodo: boolean }[] }).todos;
    expect(todos.map((todo) => todo.newTodo)).to.deep.equal([true, false]);
  });

  it('passes commands on existing things through with the metadata', () => {
    const prepared = prepareCommand({ type: 'ChangeDreamStatus', data: { dreamId: 'd-1', status: 'completed' } }, metadata, derivedIds('u', 'k', 'hash'));
    expect(prepared).to.deep.equal({ command: { type: 'ChangeDreamStatus', data: { dreamId: 'd-1', status: 'completed' }, metadata }, dreamId: 'd-1', createdIds: {} });
  });
});
