import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { decryptField, encryptField, FieldDecryptionError, kidOf, parseEncryptedField } from './field-cipher.js';

const key = randomBytes(32);
const STREAM = 'dream-5b1e0c8a-3f2d-4e6a-9b7c-1d2e3f4a5b6c';

describe('field encryption', () => {
  it('round-trips any JSON value: strings, arrays, objects', () => {
    for (const value of ['A dream worth keeping', '', ['feature a', 'feature b'], [{ language: 'ts', code: 'let x = 1;' }], { nested: [1, null, true] }]) {
      const sealed = encryptField(value, key, 'user-1', STREAM, '/title');
      expect(sealed).to.be.a('string');
      expect(decryptField(parseEncryptedField(sealed)!, key, STREAM, '/title')).to.deep.equal(value);
    }
  });

  it('writes enc:v1:<kid>:<base64url(iv | ciphertext | tag)> with a fresh 96-bit IV each time', () => {
    const one = encryptField('same', key, 'user-1', STREAM, '/title');
    const two = encryptField('same', key, 'user-1', STREAM, '/title');
    expect(one).to.match(/^enc:v1:user-1:[A-Za-z0-9_-]+$/);
    expect(one).to.not.equal(two);
    const sealed = Buffer.from(one.split(':')[3]!, 'base64url');
    // 12 bytes IV + 6 bytes of JSON ("same" with quotes) + 16 bytes tag
    expect(sealed.length).to.equal(12 + 6 + 16);
    expect(sealed.subarray(0, 12).equals(Buffer.from(two.split(':')[3]!, 'base64url').subarray(0, 12))).to.equal(false);
    expect(one).to.not.include('same');
  });

  it('names the subject in the key id, escaped so that it holds no colon', () => {
    const subject = 'auth0|64f1:c2a9 é';
    const sealed = encryptField('x', key, subject, STREAM, '/title');
    expect(sealed.split(':')).to.have.length(4);
    expect(sealed.split(':')[2]).to.equal(kidOf(subject));
    expect(parseEncryptedField(sealed)!.subjectId).to.equal(subject);
  });

  it('refuses a ciphertext moved to another field or stream, under another key, or altered', () => {
    const sealed = encryptField('secret', key, 'user-1', STREAM, '/fragment/title');
    const field = parseEncryptedField(sealed)!;
    expect(() => decryptField(field, key, STREAM, '/fragment/content')).to.throw(FieldDecryptionError);
    expect(() => decryptField(field, key, 'dream-other', '/fragment/title')).to.throw(FieldDecryptionError);
    expect(() => decryptField(field, randomBytes(32), STREAM, '/fragment/title')).to.throw(FieldDecryptionError);
    const altered = Buffer.from(field.sealed);
    altered[14]! ^= 1;
    expect(() => decryptField({ ...field, sealed: altered }, key, STREAM, '/fragment/title')).to.throw(FieldDecryptionError);
  });

  it('tells encrypted fields from plain values, and refuses malformed ones', () => {
    expect(parseEncryptedField('A plain title')).to.equal(undefined);
    expect(parseEncryptedField(['enc:v1:a:b'])).to.equal(undefined);
    expect(() => parseEncryptedField('enc:v1:nokid')).to.throw(FieldDecryptionError);
    expect(() => parseEncryptedField('enc:v1:user-1:c2hvcnQ')).to.throw(FieldDecryptionError, 'too short');
    expect(() => parseEncryptedField('enc:v1:%E0%A4%A:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).to.throw(FieldDecryptionError, 'bad key id');
  });
});
