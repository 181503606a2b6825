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

  it('sends the current state of a changed dream', () => {
    const dream = { id: dreamId, title: 'T' };
    expect(messagesFor(change('FragmentCaptured'), dream)).to.deep.equal([{ type: 'dream_updated', dream }]);
  });

  it('announces deletions, and nothing for a dream the owner cannot see', () => {
    expect(messagesFor(change('DreamDeleted'), undefined)).to.deep.equal([{ type: 'dream_deleted', dreamId }]);
    expect(messagesFor(change('updated'), undefined)).to.deep.equal([]);
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
