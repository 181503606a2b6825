import { expect } from 'chai';
import { ConfigError } from '@dreamcatcher/service-kit';
import { loadCommandConfig } from './config.js';
import { DEVELOPMENT_COMMAND_SERVICE_TOKEN } from './http/service-token.js';

describe('command service configuration', () => {
  it('has local defaults', () => {
    const config = loadCommandConfig({});
    expect(config).to.include({ host: '127.0.0.1', port: 8081, token: DEVELOPMENT_COMMAND_SERVICE_TOKEN, idempotencyTtlHours: 24 });
  });

  it('refuses the development token in production, and keys kept less than a day', () => {
    const read = () =>
      loadCommandConfig({ NODE_ENV: 'production', COMMAND_SERVICE_TOKEN: DEVELOPMENT_COMMAND_SERVICE_TOKEN, IDEMPOTENCY_TTL_HOURS: '2' });
    expect(read).to.throw(ConfigError).with.property('problems').that.satisfies((problems: string[]) =>
      problems.some((p) => p.startsWith('COMMAND_SERVICE_TOKEN')) && problems.some((p) => p.startsWith('IDEMPOTENCY_TTL_HOURS')),
    );
  });

  it('takes a strong token in production', () => {
    const token = 'a-long-random-token-of-at-least-32-characters';
    expect(loadCommandConfig({ NODE_ENV: 'production', COMMAND_SERVICE_TOKEN: token, PORT: '9000' })).to.include({ token, port: 9000 });
  });
});
