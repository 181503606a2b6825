import { expect } from 'chai';
import { toEventView } from './event-view.js';
import type { RecordedEvent } from '@dreamcatcher/event-store';
import { ValidationError } from '@dreamcatcher/service-kit/errors';
import { decodeCursor, encodeCursor } from './cursor.js';
import { compileFilter } from './filter.js';

const event = (type: string, userId: string, occurredAt: string): RecordedEvent => ({
  id: 'x', type, data: {}, streamId: 's', revision: 0n, position: 1n,
  metadata: { userId, correlationId: 'c', causationId: 'k', occurredAt, schemaVersion: 1 },
});

describe('history cursors', () => {
  it('round-trip positions and revisions beyond 2^53, and are opaque', () => {
    const big = 2n ** 62n + 7n;
    const all = encodeCursor({ scope: 'all', after: big });
    expect(all).to.match(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(all, 'all')).to.deep.equal({ scope: 'all', after: big });
    const stream = encodeCursor({ scope: 'stream', streamId: 'dream-1', after: 4n });
    expect(decodeCursor(stream, 'stream', 'dream-1')).to.deep.equal({ scope: 'stream', streamId: 'dream-1', after: 4n });
  });

  it('refuse garbage, another scope and another stream with a 400 naming the cursor', () => {
    const stream = encodeCursor({ scope: 'stream', streamId: 'dream-1', after: 4n });
    for (const [text, scope, id] of [['garbage', 'all'], ['', 'all'], [stream, 'all'], [stream, 'stream', 'dream-2'], [encodeCursor({ scope: 'all', after: 1n }), 'stream', 'dream-1']] as const) {
      const attempt = () => (scope === 'all' ? decodeCursor(text, 'all') : decodeCursor(text, 'stream', id!));
      expect(attempt).to.throw(ValidationError).with.property('violations').that.deep.equals([{ path: '/cursor', message: 'is not a cursor of this history' }]);
    }
  });
});

describe('history filters', () => {
  it('let everything through when empty', () => {
    expect(compileFilter({})).to.equal(undefined);
    expect(compileFilter({ types: [] })).to.equal(undefined);
  });

  it('match by type, by user, and by time with from inclusive and to exclusive', () => {
    const match = compileFilter({ types: ['A', 'B'], userId: 'u1', from: '2025-01-01T00:00:00Z', to: new Date('2025-02-01T00:00:00Z') })!;
    expect(match(event('A', 'u1', '2025-01-01T00:00:00Z'))).to.equal(true);
    expect(match(event('B', 'u1', '2025-01-31T23:59:59.999Z'))).to.equal(true);
    expect(match(event('C', 'u1', '2025-01-10T00:00:00Z'))).to.equal(false);
    expect(match(event('A', 'u2', '2025-01-10T00:00:00Z'))).to.equal(false);
    expect(match(event('A', 'u1', '2025-02-01T00:00:00Z'))).to.equal(false);
    expect(match(event('A', 'u1', '2024-12-31T23:59:59Z'))).to.equal(false);
  });

  it('refuse bad values, naming each', () => {
    const error = (() => {
      try {
        compileFilter({ from: 'yesterday', to: '2025-01-01T00:00:00Z', userId: '', types: [''] });
      } catch (caught) {
        return caught as ValidationError;
      }
      return undefined;
    })();
    expect(error).to.be.instanceOf(ValidationError);
    expect(error!.violations.map((v) => v.path)).to.have.members(['/from', '/types', '/userId']);
    expect(() => compileFilter({ from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' })).to.throw(ValidationError);
  });
});

describe('history: events stored in an older schema version', () => {
  it('shows a v1-stored DreamImported as v2 and keeps the stored metadata', () => {
    const metadata = { userId: 'u', correlationId: 'c', causationId: 'k', occurredAt: '2026-01-01T00:00:00.000Z', schemaVersion: 1 };
    const data = { dreamId: '3f6c2a1e-8b4d-4c7a-9e21-5d0f7b8a9c14', ownerId: 'u', title: 'Old', status: 'idea', brand: 'personal', tags: [], fragments: [], todos: [] };
    const view = toEventView({ id: 'e', type: 'DreamImported', data, metadata, streamId: `dream-${data.dreamId}`, revision: 0n, position: 1n });
    expect(view.schemaVersion).to.equal(2);
    expect(view.data).to.deep.equal(data);
    expect(view.metadata.schemaVersion).to.equal(1);
  });
});
