import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { DEVELOPMENT_DATA_KEY_ENCRYPTION_KEY } from '@dreamcatcher/audit';
import { ConfigError } from '@dreamcatcher/service-kit';
import { loadCommandConfig } from './config.js';
import { DEVELOPMENT_COMMAND_SERVICE_TOKEN } from './http/service-token.js';

describe('command service configuration', () => {
  it('has local defaults', () => {
    const config = loadCommandConfig({});
    expect(config).to.include({ host: '127.0.0.1', port: 8081, token: DEVELOPMENT_COMMAND_SERVICE_TOKEN, idempotencyTtlHours: 24, dataKeyCacheTtlMs: 5_000 });
    expect(config.dataKeyEncryptionKey.equals(Buffer.from(DEVELOPMENT_DATA_KEY_ENCRYPTION_KEY, 'base64'))).to.equal(true);
  });

  it('refuses the development token in production, and keys kept less than a day', () => {
    const read = () =>
      loadCommandConfig({
        NODE_ENV: 'production',
        COMMAND_SERVICE_TOKEN: DEVELOPMENT_COMMAND_SERVICE_TOKEN,
        IDEMPOTENCY_TTL_HOURS: '2',
        DATA_KEY_ENCRYPTION_KEY: DEVELOPMENT_DATA_KEY_ENCRYPTION_KEY,
      });
    expect(read).to.throw(ConfigError).with.property('problems').that.satisfies((problems: string[]) =>
      ['COMMAND_SERVICE_TOKEN', 'IDEMPOTENCY_TTL_HOURS', 'DATA_KEY_ENCRYPTION_KEY'].every((name) => problems.some((p) => p.startsWith(name))),
    );
  });

  it('takes a strong token and master key in production', () => {
    const token = 'a-long-random-token-of-at-least-32-characters';
    const masterKey = randomBytes(32);
    const config = loadCommandConfig({ NODE_ENV: 'production', COMMAND_SERVICE_TOKEN: token, PORT: '9000', DATA_KEY_ENCRYPTION_KEY: masterKey.toString('base64') });
    expect(config).to.include({ token, port: 9000 });
    expect(config.dataKeyEncryptionKey.equals(masterKey)).to.equal(true);
  });
});
