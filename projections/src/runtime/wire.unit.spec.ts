import { expect } from 'chai';
import { ValidationError } from '@dreamcatcher/service-kit/errors';
import { decodeCursor, encodeCursor } from '../dream_summary/cursor.js';
import { snippetHtml, MATCH_END, MATCH_START } from '../dream_search/snippet.js';
import { parseDreamChange } from '../dream_detail/changes.js';
import { parseCheckpointNotification } from './checkpoints.js';
import { decodeEnvelope, dreamIdOfStream, EnvelopeError, toEnvelope } from './events.js';

describe('wire formats', () => {
  const envelope = {
    eventId: 'e1',
    type: 'DreamTagged',
    schemaVersion: 1,
    streamId: 'dream-6f1c0a52-1d8e-4c4e-9d55-3f0a4f1f0a01',
    revision: '3',
    position: '9007199254740993',
    occurredAt: '2026-01-01T00:00:00.000Z',
    data: { dreamId: '6f1c0a52-1d8e-4c4e-9d55-3f0a4f1f0a01', tags: ['x'] },
    metadata: { userId: 'u', correlationId: 'c', causationId: 'c', occurredAt: '2026-01-01T00:00:00.000Z', schemaVersion: 1 },
  };

  it('decodes an envelope with 64-bit coordinates, and encodes it back', () => {
    const event = decodeEnvelope(Buffer.from(JSON.stringify(envelope)));
    expect(event).to.include({ eventId: 'e1', type: 'DreamTagged', revision: 3n, position: 9_007_199_254_740_993n });
    expect(toEnvelope(event)).to.deep.equal(envelope);
  });

  it('refuses what is not an envelope', () => {
    for (const body of ['nope', '[]', JSON.stringify({ ...envelope, revision: 3 }), JSON.stringify({ ...envelope, position: '-1' }), JSON.stringify({ ...envelope, data: null })]) {
      expect(() => decodeEnvelope(body), body).to.throw(EnvelopeError);
    }
  });

  it('knows dream streams', () => {
    expect(dreamIdOfStream('dream-6F1C0A52-1D8E-4C4E-9D55-3F0A4F1F0A01')).to.equal('6f1c0a52-1d8e-4c4e-9d55-3f0a4f1f0a01');
    expect(dreamIdOfStream('user-6f1c0a52-1d8e-4c4e-9d55-3f0a4f1f0a01')).to.equal(undefined);
  });

  it('round-trips list cursors and rejects forged ones', () => {
    const cursor = { updatedAt: '2026-01-01T00:00:00.123456+00:00', id: '6f1c0a52-1d8e-4c4e-9d55-3f0a4f1f0a01' };
    expect(decodeCursor(encodeCursor(cursor))).to.deep.equal(cursor);
    for (const forged of ['', 'abc', Buffer.from('["x","y"]').toString('base64url'), Buffer.from(JSON.stringify(['2026-01-01', "1' OR 1=1"])).toString('base64url')]) {
      expect(() => decodeCursor(forged), forged).to.throw(ValidationError);
    }
  });

  it('escapes snippets and turns match marks into <mark>', () => {
    expect(snippetHtml(`a < b & ${MATCH_START}"c"${MATCH_END}`)).to.equal('a &lt; b &amp; <mark>&quot;c&quot;</mark>');
  });

  it('parses notification payloads', () => {
    expect(parseCheckpointNotification('dream_summary:42')).to.deep.equal({ projection: 'dream_summary', position: 42n });
    expect(parseCheckpointNotification('dream_summary:x')).to.equal(undefined);
    const change = { ownerId: 'u', dreamId: 'd', position: '1', revision: '0', kind: 'updated' };
    expect(parseDreamChange(JSON.stringify(change))).to.deep.equal(change);
    expect(parseDreamChange(JSON.stringify({ ...change, kind: 'exploded' }))).to.equal(undefined);
    expect(parseDreamChange('{')).to.equal(undefined);
  });
});
