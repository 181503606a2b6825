import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '@dreamcatcher/service-kit';
import { readAuditConfig, DEVELOPMENT_DATA_KEY_ENCRYPTION_KEY } from '../config.js';
import { assertMasterKey, newDataKey, unwrapDataKey, wrapDataKey } from './key-wrap.js';

describe('wrapping data keys', () => {
  const master = randomBytes(32);

  it('unwraps what it wrapped, and the wrapped form is not the key', () => {
    const key = newDataKey();
    const wrapped = wrapDataKey(key, master, 'user-1');
    expect(wrapped).to.have.length(12 + 32 + 16);
    expect(wrapped.includes(key)).to.equal(false);
    expect(unwrapDataKey(wrapped, master, 'user-1').equals(key)).to.equal(true);
  });

  it('refuses another master key, another subject, or an altered wrapping', () => {
    const wrapped = wrapDataKey(newDataKey(), master, 'user-1');
    expect(() => unwrapDataKey(wrapped, randomBytes(32), 'user-1')).to.throw(/does not unwrap/);
    expect(() => unwrapDataKey(wrapped, master, 'user-2')).to.throw(/does not unwrap/);
    const altered = Buffer.from(wrapped);
    altered[20]! ^= 0xff;
    expect(() => unwrapDataKey(altered, master, 'user-1')).to.throw(/does not unwrap/);
    expect(() => unwrapDataKey(wrapped.subarray(1), master, 'user-1')).to.throw(/wrong length/);
  });

  it('needs a 32-byte master key', () => {
    expect(() => assertMasterKey(randomBytes(16))).to.throw(RangeError);
  });
});

describe('audit configuration', () => {
  const read = (env: NodeJS.ProcessEnv) => loadConfig((reader) => readAuditConfig(reader), env);

  it('uses the development key outside production', () => {
    const config = read({});
    expect(config.dataKeyEncryptionKey.equals(Buffer.from(DEVELOPMENT_DATA_KEY_ENCRYPTION_KEY, 'base64'))).to.equal(true);
    expect(config.dataKeyCacheTtlMs).to.equal(5_000);
  });

  it('takes a 32-byte base64 key, and refuses other lengths naming the variable', () => {
    const key = randomBytes(32);
    expect(read({ DATA_KEY_ENCRYPTION_KEY: key.toString('base64') }).dataKeyEncryptionKey.equals(key)).to.equal(true);
    expect(() => read({ DATA_KEY_ENCRYPTION_KEY: randomBytes(16).toString('base64') })).to.throw(ConfigError, 'DATA_KEY_ENCRYPTION_KEY must be 32 bytes');
    expect(() => read({ DATA_KEY_ENCRYPTION_KEY: 'not base64 at all!' })).to.throw(ConfigError, 'DATA_KEY_ENCRYPTION_KEY');
  });

  it('refuses the development key, or none, in production', () => {
    expect(() => read({ NODE_ENV: 'production' })).to.throw(ConfigError, 'DATA_KEY_ENCRYPTION_KEY is required');
    expect(() => read({ NODE_ENV: 'production', DATA_KEY_ENCRYPTION_KEY: DEVELOPMENT_DATA_KEY_ENCRYPTION_KEY })).to.throw(ConfigError, 'development secret');
    const key = randomBytes(32).toString('base64');
    expect(read({ NODE_ENV: 'production', DATA_KEY_ENCRYPTION_KEY: key }).dataKeyEncryptionKey).to.have.length(32);
  });
});
