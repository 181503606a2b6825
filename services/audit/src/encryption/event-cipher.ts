/**
 * Encrypting and decrypting the personal fields of whole events (pure: keys come in).
 *
 * The data subject — whose key encrypts an event's personal fields, and whose erasure
 * makes them unreadable — is, in this order:
 * 1. `metadata.subjectId`: the dream's owner, which the command service sets on every event;
 * 2. `data.ownerId` of `DreamCreated` / `DreamImported` (the owner is right there);
 * 3. `metadata.userId`, the user who caused the event.
 * The last is only right when the author is the owner: an integration reporting a sync
 * failure is not the subject of the reason it reports. Writers should set `subjectId`.
 */
import { ValidationError } from '@dreamcatcher/service-kit/errors';
import type { EventToAppend, RecordedEvent } from '@dreamcatcher/event-store';
import { decryptField, encryptField, FieldDecryptionError, parseEncryptedField } from './field-cipher.js';
import { mapFields, personalFieldsOf, placeholderFor } from './personal-fields.js';

const OWNER_IN_DATA = new Set(['DreamCreated', 'DreamImported']);

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** The data subject of an event (see above), or undefined when none is named. */
export function subjectOf(event: Pick<EventToAppend, 'type' | 'data' | 'metadata'>): string | undefined {
  if (nonEmpty(event.metadata.subjectId)) return event.metadata.subjectId;
  const ownerId = (event.data as { ownerId?: unknown } | null)?.ownerId;
  if (OWNER_IN_DATA.has(event.type) && nonEmpty(ownerId)) return ownerId;
  return nonEmpty(event.metadata.userId) ? event.metadata.userId : undefined;
}

/** Whether the event has a personal field with a value to encrypt. */
export function hasPersonalData(event: Pick<EventToAppend, 'type' | 'data'>): boolean {
  let found = false;
  for (const pattern of personalFieldsOf(event.type)) {
    mapFields(event.data, pattern, (value) => ((found = true), value));
    if (found) return true;
  }
  return false;
}

/** The subject an event with personal data must name; ValidationError when it names none. */
export function requireSubject(event: EventToAppend, index: number): string {
  const subjectId = subjectOf(event);
  if (subjectId) return subjectId;
  throw new ValidationError(`${event.type} holds personal data but names no data subject`, [
    { path: `/events/${index}/metadata/subjectId`, message: 'must name the data subject of an event with personal data' },
  ]);
}

/** The event with each personal field encrypted under the subject's key. */
export function encryptEvent(event: EventToAppend, streamId: string, subjectId: string, key: Buffer): EventToAppend {
  let data = event.data;
  for (const pattern of personalFieldsOf(event.type)) {
    data = mapFields(data, pattern, (value, pointer) => encryptField(value, key, subjectId, streamId, pointer));
  }
  return data === event.data ? event : { ...event, data };
}

/** The subjects whose keys the event's encrypted fields need. */
export function subjectsOf(event: Pick<RecordedEvent, 'type' | 'data'>, into = new Set<string>()): Set<string> {
  for (const pattern of personalFieldsOf(event.type)) {
    mapFields(event.data, pattern, (value) => {
      const field = parseEncryptedField(value);
      if (field) into.add(field.subjectId);
      return value;
    });
  }
  return into;
}

/**
 * The event with its encrypted fields decrypted; a field whose subject has no key any more
 * (erased) reads as its placeholder. Values that are not encrypted (events written before
 * encryption) pass as they are.
 *
 * A ciphertext that does not authenticate is tampering, not erasure: it also reads as its
 * placeholder, and the event says so in `metadata.unreadableFields` (JSON Pointers). One
 * altered row must not halt every reader of the store (the relay, projections, auditors);
 * the hash chain's verification reports the event, and the stored ciphertext stays as
 * evidence.
 */
export function decryptEvent(event: RecordedEvent, keyFor: (subjectId: string) => Buffer | undefined): RecordedEvent {
  let data = event.data;
  const unreadable: string[] = [];
  for (const pattern of personalFieldsOf(event.type)) {
    data = mapFields(data, pattern, (value, pointer) => {
      let field;
      try {
        field = parseEncryptedField(value);
        if (!field) return value;
        const key = keyFor(field.subjectId);
        return key ? decryptField(field, key, event.streamId, pointer) : placeholderFor(pattern);
      } catch (error) {
        if (!(error instanceof FieldDecryptionError)) throw error;
        unreadable.push(pointer);
        return placeholderFor(pattern);
      }
    });
  }
  if (unreadable.length) return { ...event, data, metadata: { ...event.metadata, unreadableFields: unreadable } };
  return data === event.data ? event : { ...event, data };
}
