import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { estimatedBits, secretWeakness } from './secrets.js';

describe('production secrets', () => {
  const weakness = (secret: string) => secretWeakness('JWT_SECRET', secret);

  it('accepts random secrets in the usual encodings', () => {
    for (let i = 0; i < 20; i++) {
      expect(weakness(randomBytes(32).toString('base64'))).to.equal(undefined);
      expect(weakness(randomBytes(16).toString('hex'))).to.equal(undefined);
      expect(weakness(randomBytes(24).toString('base64url'))).to.equal(undefined);
    }
  });

  it('refuses development values and short ones', () => {
    expect(weakness('dev-secret-change-me')).to.match(/development secret/);
    expect(secretWeakness('TOKEN', 'a-default-for-laptops', { developmentValues: ['a-default-for-laptops'] })).to.match(/development secret/);
    expect(weakness('Zr7pLw2XbN8sTd4')).to.match(/at least 32 characters/);
  });

  it('refuses long secrets with too little entropy, without echoing them', () => {
    for (const secret of ['a'.repeat(32), 'x'.repeat(200), 'ab'.repeat(40), 'passwordpasswordpasswordpassword', '0000000000000000111111111111111122222222']) {
      const problem = weakness(secret);
      expect(problem, secret).to.match(/too predictable/);
      expect(problem).not.to.include(secret);
    }
  });

  it('estimates bits from the distribution of characters', () => {
    expect(estimatedBits('a'.repeat(32))).to.equal(0);
    expect(estimatedBits('ab'.repeat(16))).to.equal(32);
    expect(estimatedBits('0123456789abcdef'.repeat(2))).to.equal(128);
  });
});
