/**
 * Wrapping data keys with the master key (pure). Data keys are stored only wrapped
 * (AES-256-GCM under `DATA_KEY_ENCRYPTION_KEY`), bound to their subject by the additional
 * authenticated data, so a wrapped key copied to another subject's row does not unwrap.
 * Layout: iv (12 bytes) | wrapped key (32) | tag (16).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DATA_KEY_BYTES } from '../encryption/field-cipher.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;

function aad(subjectId: string): Buffer {
  return Buffer.from(`dreamcatcher:data-key:v1:${subjectId}`, 'utf8');
}

export function assertMasterKey(masterKey: Buffer): void {
  if (masterKey.length !== DATA_KEY_BYTES) throw new RangeError(`the data key encryption key must be ${DATA_KEY_BYTES} bytes, got ${masterKey.length}`);
}

/** A fresh random data key. */
export function newDataKey(): Buffer {
  return randomBytes(DATA_KEY_BYTES);
}

export function wrapDataKey(dataKey: Buffer, masterKey: Buffer, subjectId: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
  cipher.setAAD(aad(subjectId));
  const wrapped = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([iv, wrapped, cipher.getAuthTag()]);
}

/** Throws when the wrapped key was made under another master key or for another subject. */
export function unwrapDataKey(wrapped: Buffer, masterKey: Buffer, subjectId: string): Buffer {
  if (wrapped.length !== IV_BYTES + DATA_KEY_BYTES + TAG_BYTES) throw new Error(`wrapped data key of ${subjectId} has the wrong length`);
  const decipher = createDecipheriv('aes-256-gcm', masterKey, wrapped.subarray(0, IV_BYTES));
  decipher.setAAD(aad(subjectId));
  decipher.setAuthTag(wrapped.subarray(IV_BYTES + DATA_KEY_BYTES));
  try {
    return Buffer.concat([decipher.update(wrapped.subarray(IV_BYTES, IV_BYTES + DATA_KEY_BYTES)), decipher.final()]);
  } catch {
    throw new Error(`the data key of ${subjectId} does not unwrap: wrong DATA_KEY_ENCRYPTION_KEY, or the row was altered`);
  }
}
