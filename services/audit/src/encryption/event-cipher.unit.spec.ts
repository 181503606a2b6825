import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { EVENT_TYPES, validateEvent } from '@dreamcatcher/contracts';
import type { EventToAppend, RecordedEvent } from '@dreamcatcher/event-store';
import { ValidationError } from '@dreamcatcher/service-kit/errors';
import { decryptEvent, encryptEvent, hasPersonalData, requireSubject, subjectOf, subjectsOf } from './event-cipher.js';
import { parseEncryptedField } from './field-cipher.js';
import { contractJson, schemaAt } from '../testing/event-schemas.js';
import { ERASED_TEXT, ERASED_URL, mapFields, PERSONAL_FIELDS, personalFieldsOf, placeholderFor } from './personal-fields.js';

const example = (type: string) => contractJson(`examples/events/${type}.v1.json`);

const key = randomBytes(32);
const STREAM = 'dream-3f6c2a1e-8b4d-4c7a-9e21-5d0f7b8a9c14';
const recorded = (event: EventToAppend): RecordedEvent => ({ ...event, streamId: STREAM, revision: 0n, position: 1n });
const metadata = { userId: 'user-1', correlationId: 'c', causationId: 'k', occurredAt: '2025-03-14T09:26:53Z', schemaVersion: 1 };

/** Every value present at the event's personal fields, by concrete pointer. */
function personalValues(type: string, data: unknown): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const pattern of personalFieldsOf(type)) mapFields(data, pattern, (value, pointer) => (values.set(pointer, value), value));
  return values;
}

describe('personal fields of events', () => {
  it('name only properties the contract schemas have, strings or arrays, with placeholders of their type', () => {
    for (const [type, patterns] of Object.entries(PERSONAL_FIELDS)) {
      for (const pattern of patterns!) {
        const schema = schemaAt(type, pattern);
        expect(schema, `${type} ${pattern}`).to.be.an('object');
        expect(['string', 'array'], `${type} ${pattern}`).to.include(schema!.type);
        expect(Array.isArray(placeholderFor(pattern)), `${type} ${pattern}`).to.equal(schema!.type === 'array');
      }
    }
    expect(placeholderFor('/fragment/url')).to.equal(ERASED_URL);
    expect(placeholderFor('/title')).to.equal(ERASED_TEXT);
  });

  it('leave ids, status, brand, tags, priorities, counts and dates in clear', () => {
    const all = Object.values(PERSONAL_FIELDS).flat().map((pattern) => pattern!.slice(pattern!.lastIndexOf('/') + 1));
    for (const clear of ['dreamId', 'ownerId', 'fragmentId', 'todoId', 'status', 'brand', 'tags', 'priority', 'category', 'deadline', 'capturedAt', 'source', 'mode', 'size', 'fileType', 'pipelineosProjectId', 'ticketsCreated']) {
      expect(all, clear).to.not.include(clear);
    }
  });

  for (const type of EVENT_TYPES) {
    it(`${type}: encrypts every personal field, decrypts to the original, and reads schema-valid once erased`, () => {
      const data = example(type);
      const event: EventToAppend = { id: '0b8f9c6e-2d4a-4e1b-9c3f-7a6d5e4b3c21', type, data, metadata };
      const before = JSON.stringify(data);
      const encrypted = encryptEvent(event, STREAM, 'user-1', key);
      expect(JSON.stringify(data), 'the input is not modified').to.equal(before);

      const plain = personalValues(type, data);
      const stored = personalValues(type, encrypted.data);
      expect(hasPersonalData(event)).to.equal(plain.size > 0);
      if (plain.size === 0) expect(encrypted).to.equal(event);
      for (const [pointer, value] of stored) {
        expect(parseEncryptedField(value), `${type} ${pointer}`).to.include({ subjectId: 'user-1' });
        expect(String(value)).to.not.include(JSON.stringify(plain.get(pointer)).slice(1, 12));
      }
      // Everything that is not personal stays exactly as it was.
      const masked = (value: unknown) => JSON.stringify(personalFieldsOf(type).reduce((d, pattern) => mapFields(d, pattern, () => 'x'), value));
      expect(masked(encrypted.data)).to.equal(masked(data));

      expect(subjectsOf(recorded(encrypted))).to.deep.equal(new Set(plain.size ? ['user-1'] : []));
      expect(decryptEvent(recorded(encrypted), () => key).data).to.deep.equal(data);

      const erased = decryptEvent(recorded(encrypted), () => undefined).data;
      expect(validateEvent(type, 1, erased), type).to.deep.equal([]);
      for (const pointer of plain.keys()) {
        const pattern = personalFieldsOf(type).find((p) => new RegExp(`^${p.replaceAll('*', '\\d+')}$`).test(pointer))!;
        expect(personalValues(type, erased).get(pointer)).to.deep.equal(placeholderFor(pattern));
      }
    });
  }

  it('passes values that are not encrypted through on read (events stored before encryption)', () => {
    const event = recorded({ id: '0b8f9c6e-2d4a-4e1b-9c3f-7a6d5e4b3c21', type: 'DreamCreated', data: example('DreamCreated'), metadata });
    expect(decryptEvent(event, () => undefined)).to.equal(event);
  });

  it('reads an altered ciphertext as its placeholder and flags the field, rather than calling it erased', () => {
    const event: EventToAppend = { id: '0b8f9c6e-2d4a-4e1b-9c3f-7a6d5e4b3c21', type: 'ImplementationRequested', data: { dreamId: 'd', notes: 'call me' }, metadata };
    const encrypted = encryptEvent(event, STREAM, 'user-1', key);
    const notes = (encrypted.data as { notes: string }).notes;
    // Flip one bit of the sealed bytes: editing the base64 text could touch only its padding bits.
    const colon = notes.lastIndexOf(':') + 1;
    const sealed = Buffer.from(notes.slice(colon), 'base64url');
    sealed[sealed.length - 1]! ^= 1;
    const swapped = { ...encrypted, data: { dreamId: 'd', notes: notes.slice(0, colon) + sealed.toString('base64url') } };
    const read = decryptEvent(recorded(swapped), () => key);
    expect(read.data).to.deep.equal({ dreamId: 'd', notes: '[erased]' });
    expect(read.metadata.unreadableFields).to.deep.equal(['/notes']);
    const intact = decryptEvent(recorded(encrypted), () => key);
    expect(intact.data).to.deep.equal({ dreamId: 'd', notes: 'call me' });
    expect(intact.metadata).not.to.have.property('unreadableFields');
  });
});

describe('the data subject of an event', () => {
  const event = (type: string, data: unknown, extra: Record<string, unknown> = {}): EventToAppend => ({ id: 'x', type, data, metadata: { ...metadata, ...extra } });

  it('is metadata.subjectId, else the owner in DreamCreated / DreamImported, else metadata.userId', () => {
    expect(subjectOf(event('DreamSyncFailed', { reason: 'r' }, { subjectId: 'owner-1', userId: 'integration' }))).to.equal('owner-1');
    expect(subjectOf(event('DreamCreated', { ownerId: 'owner-2' }, { userId: 'admin' }))).to.equal('owner-2');
    expect(subjectOf(event('DreamImported', { ownerId: 'owner-3' }))).to.equal('owner-3');
    expect(subjectOf(event('FragmentCaptured', { ownerId: 'not-an-owner-field' }))).to.equal('user-1');
    expect(subjectOf(event('TodoAdded', {}, { subjectId: '' }))).to.equal('user-1');
  });

  it('must be named by an event with personal data', () => {
    const anonymous: EventToAppend = { id: 'x', type: 'ImplementationRequested', data: { notes: 'n' }, metadata: { ...metadata, userId: '' } };
    expect(() => requireSubject(anonymous, 3)).to.throw(ValidationError).with.property('violations').that.deep.equals([
      { path: '/events/3/metadata/subjectId', message: 'must name the data subject of an event with personal data' },
    ]);
  });
});
