/**
 * Encrypting one field value (pure). A field is stored as the string
 *
 *     enc:v1:<kid>:<base64url(iv | ciphertext | tag)>
 *
 * AES-256-GCM over the value's JSON (so strings, arrays and objects alike), a random 96-bit
 * IV per value, and as additional authenticated data the stream id and the field's JSON
 * Pointer: a ciphertext moved to another field or another stream no longer decrypts.
 * `kid` names the data subject whose key encrypted it (URI-encoded, so it holds no `:`).
 * Random IVs are safe for far more values than one person writes (NIST's bound for one key
 * is 2^32 encryptions).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const ENCRYPTED_PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const DATA_KEY_BYTES = 32;

/** The key id written into ciphertexts for a subject. */
export function kidOf(subjectId: string): string {
  return encodeURIComponent(subjectId);
}

/** A ciphertext that does not decrypt: altered, moved, or under another key. */
export class FieldDecryptionError extends Error {
  override name = 'FieldDecryptionError';
}

function aad(streamId: string, pointer: string): Buffer {
  return Buffer.from(JSON.stringify([streamId, pointer]), 'utf8');
}

/** Encrypts `value` (any JSON value) for the field at `pointer` of an event in `streamId`. */
export function encryptField(value: unknown, key: Buffer, subjectId: string, streamId: string, pointer: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(streamId, pointer));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  const sealed = Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64url');
  return `${ENCRYPTED_PREFIX}${kidOf(subjectId)}:${sealed}`;
}

export interface EncryptedField {
  subjectId: string;
  sealed: Buffer;
}

/** The parts of a stored field, or undefined when the value is not an encrypted field. */
export function parseEncryptedField(value: unknown): EncryptedField | undefined {
  if (typeof value !== 'string' || !value.startsWith(ENCRYPTED_PREFIX)) return undefined;
  const rest = value.slice(ENCRYPTED_PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon <= 0) throw new FieldDecryptionError('malformed encrypted field: no key id');
  let subjectId: string;
  try {
    subjectId = decodeURIComponent(rest.slice(0, colon));
  } catch {
    throw new FieldDecryptionError('malformed encrypted field: bad key id');
  }
  const sealed = Buffer.from(rest.slice(colon + 1), 'base64url');
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new FieldDecryptionError('malformed encrypted field: too short');
  return { subjectId, sealed };
}

/** The value of an encrypted field; throws FieldDecryptionError when it does not authenticate. */
export function decryptField(field: EncryptedField, key: Buffer, streamId: string, pointer: string): unknown {
  const iv = field.sealed.subarray(0, IV_BYTES);
  const tag = field.sealed.subarray(field.sealed.length - TAG_BYTES);
  const ciphertext = field.sealed.subarray(IV_BYTES, field.sealed.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(aad(streamId, pointer));
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    return JSON.parse(plain) as unknown;
  } catch (error) {
    throw new FieldDecryptionError(`encrypted field ${pointer} of ${streamId} does not decrypt: ${(error as Error).message}`);
  }
}
