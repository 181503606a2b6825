import { expect } from 'chai';
import type { RecordedEvent } from '@dreamcatcher/event-store';
import { stateAt } from './state-at.js';

const DREAM = '0f8fad5b-d9cb-469f-a165-70867728950e';
const metadata = (occurredAt: string) => ({ userId: 'u1', correlationId: 'c', causationId: 'c', occurredAt, schemaVersion: 1 });
const events: RecordedEvent[] = [
  { id: 'e0', type: 'DreamCreated', data: { dreamId: DREAM, ownerId: 'u1', title: 'First title', status: 'idea', brand: 'personal', tags: [] }, metadata: metadata('2025-03-01T10:00:00Z'), streamId: `dream-${DREAM}`, revision: 0n, position: 100n },
  { id: 'e1', type: 'DreamDetailsChanged', data: { dreamId: DREAM, changes: { title: 'Second title' } }, metadata: metadata('2025-03-02T10:00:00Z'), streamId: `dream-${DREAM}`, revision: 1n, position: 200n },
];

describe('dream state at a point in history', () => {
  it('folds up to a revision', () => {
    expect(stateAt(DREAM, events, { revision: 0n })).to.deep.include({ revision: '0', occurredAt: '2025-03-01T10:00:00Z' });
    expect(stateAt(DREAM, events, { revision: 0n })!.state).to.include({ title: 'First title' });
    expect(stateAt(DREAM, events, {})!.state).to.include({ title: 'Second title' });
  });

  it('folds up to the last event at or before a time', () => {
    expect(stateAt(DREAM, events, { at: '2025-03-01T23:59:59Z' })!.state).to.include({ title: 'First title' });
    expect(stateAt(DREAM, events, { at: '2025-03-02T10:00:00Z' })!.revision).to.equal('1');
    expect(stateAt(DREAM, events, { at: '2025-02-01T00:00:00Z' })).to.deep.include({ revision: '-1', occurredAt: null, state: { exists: false } });
  });

  it('is undefined for a dream without events', () => {
    expect(stateAt(DREAM, [], {})).to.equal(undefined);
  });
});
