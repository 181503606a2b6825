import { expect } from 'chai';
import { messagesFor, parseDreamChange } from './messages.js';

const dreamId = '0f8fad5b-d9cb-469f-a165-70867728950e';
const change = (kind: string) => ({ ownerId: 'u1', dreamId, position: '42', kind });

describe('live messages', () => {
  it('parses dream change notifications and refuses malformed ones', () => {
    expect(parseDreamChange(JSON.stringify(change('updated')))).to.deep.equal(change('updated'));
    expect(parseDreamChange(JSON.stringify({ ...change('x'), position: 42 }))?.position).to.equal('42');
    expect(parseDreamChange('{')).to.equal(undefined);
    expect(parseDreamChange(JSON.stringify({ dreamId, position: '1' }))).to.equal(undefined);
  });

  it('announces a change as a small notice: the dream, its revision, the parts changed and the fragments captured', () => {
    const announced = { ...change('updated'), revision: '7', types: ['FragmentCaptured', 'TodoAdded', 'FragmentEdited'], fragmentIds: ['f-1', 'f-2'] };
    const notice = { type: 'dream_updated', dreamId, revision: '7', changed: ['fragments', 'todos'], fragmentIds: ['f-1', 'f-2'] };
    expect(messagesFor(parseDreamChange(JSON.stringify(announced))!, undefined)).to.deep.equal([notice]);
    expect(messagesFor(change('updated'), undefined)).to.deep.equal([{ type: 'dream_updated', dreamId, revision: null, changed: ['dream'] }]);
  });

  it('bounds what a notice repeats from the announcement, whatever it held', () => {
    const fragmentIds = Array.from({ length: 500 }, (_, i) => `f-${i}-${'x'.repeat(200)}`.slice(0, 40));
    const parsed = parseDreamChange(JSON.stringify({ ...change('updated'), types: Array(500).fill('FragmentCaptured'), fragmentIds }))!;
    const [notice] = messagesFor(parsed, undefined);
    expect(JSON.stringify(notice).length).to.be.lessThan(1_200);
    expect((notice as { fragmentIds: string[] }).fragmentIds).to.have.length(20);
  });

  it('announces deletions, and no project or implementation content for a dream the owner cannot see', () => {
    expect(messagesFor(change('DreamDeleted'), undefined)).to.deep.equal([{ type: 'dream_deleted', dreamId }]);
    expect(messagesFor(change('DreamSynced'), undefined)).to.deep.equal([]);
  });

  it('adds project_created after a sync and implementation_completed after an implementation', () => {
    const dream = { id: dreamId, sync: { pipelineosProjectId: 'p-1' }, implementation: { status: 'completed', ticketsCreated: 3 } };
    expect(messagesFor(change('DreamSynced'), dream).map((m) => m.type)).to.deep.equal(['dream_updated', 'project_created']);
    expect(messagesFor(change('DreamSynced'), dream)[1]).to.deep.include({ type: 'project_created', dreamId });
    expect(messagesFor(change('ImplementationCompleted'), dream)[1]).to.deep.equal({
      type: 'implementation_completed',
      dreamId,
      result: dream.implementation,
    });
  });
});
