import { expect } from 'chai';
import { ConfigError, loadConfig } from '@dreamcatcher/service-kit';
import { parseSize, readGatewayConfig } from './config.js';

const load = (env: Record<string, string>) => loadConfig(readGatewayConfig, env);

describe('gateway configuration', () => {
  it('has safe local defaults', () => {
    const config = load({});
    expect(config).to.deep.include({ port: 8080, host: '127.0.0.1', opsPort: 8089, opsHost: '127.0.0.1', commandServiceUrl: 'http://127.0.0.1:8081', bodyLimitBytes: 1024 * 1024, readYourWritesTimeoutMs: 5000 });
    expect(config.jwt).to.deep.equal({ kind: 'secret', secret: 'dev-secret-change-me', issuer: undefined, audience: undefined, maxLifetimeSeconds: 86_400 });
  });

  it('refuses the development secrets in production', () => {
    try {
      load({ NODE_ENV: 'production', JWT_SECRET: 'dev-secret-change-me' });
      expect.fail('accepted');
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).to.match(/JWT_SECRET/).and.match(/COMMAND_SERVICE_TOKEN/).and.match(/DATA_KEY_ENCRYPTION_KEY/);
    }
  });

  it('uses a JWKS with issuer and audience when JWT_JWKS_URL is set, and names what is missing', () => {
    const config = load({ JWT_JWKS_URL: 'https://id.example/jwks.json', JWT_ISSUER: 'https://id.example', JWT_AUDIENCE: 'api' });
    expect(config.jwt).to.deep.equal({ kind: 'jwks', jwksUrl: 'https://id.example/jwks.json', issuer: 'https://id.example', audience: 'api', maxLifetimeSeconds: 86_400 });
    expect(() => load({ JWT_JWKS_URL: 'https://id.example/jwks.json' })).to.throw(ConfigError, /JWT_ISSUER[\s\S]*JWT_AUDIENCE/);
  });

  it('accepts HS256 in production only when JWT_ALLOW_HS256=true says so', () => {
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: 'k3Vq9-Zr7pLw2XbN8sTd4YhGf6MjCe1A',
      COMMAND_SERVICE_TOKEN: 'Qm8-tR2vXz5LpW9nB4cYk7HdJs3FgA6e',
      DATA_KEY_ENCRYPTION_KEY: Buffer.from('0123456789abcdefghijklmnopqrstuv').toString('base64'),
    };
    expect(() => load(production)).to.throw(ConfigError, /production accepts only JWKS tokens/);
    expect(load({ ...production, JWT_ALLOW_HS256: 'true' }).jwt.kind).to.equal('secret');
    expect(load({ JWT_MAX_LIFETIME_SECONDS: '3600' }).jwt.maxLifetimeSeconds).to.equal(3600);
  });

  it('reads lists and sizes', () => {
    const config = load({ CORS_ORIGINS: 'chrome-extension://abc, https://hub.example', BODY_LIMIT: '512kb', READY_DEPENDENCIES: 'http://127.0.0.1:8082/' });
    expect(config.corsOrigins).to.deep.equal(['chrome-extension://abc', 'https://hub.example']);
    expect(config.bodyLimitBytes).to.equal(512 * 1024);
    expect(config.readyDependencies).to.deep.equal(['http://127.0.0.1:8082']);
    expect(parseSize('2mb')).to.equal(2 * 1024 * 1024);
    expect(parseSize('lots')).to.equal(undefined);
    expect(() => load({ BODY_LIMIT: 'lots' })).to.throw(ConfigError, /BODY_LIMIT/);
  });

  it('bounds live connections: 8 per user, 1000 in all, 256 KiB waiting unread', () => {
    expect(load({})).to.deep.include({ liveMaxPerUser: 8, liveMaxTotal: 1000, liveMaxBufferedBytes: 256 * 1024 });
    expect(load({ LIVE_MAX_PER_USER: '2', LIVE_MAX_TOTAL: '50', LIVE_MAX_BUFFERED: '64kb' })).to.deep.include({ liveMaxPerUser: 2, liveMaxTotal: 50, liveMaxBufferedBytes: 64 * 1024 });
    expect(load({}).apiKeysPerUser).to.equal(10);
    expect(load({ API_KEYS_PER_USER: '3' }).apiKeysPerUser).to.equal(3);
    expect(() => load({ LIVE_MAX_BUFFERED: '10' })).to.throw(ConfigError, /LIVE_MAX_BUFFERED/);
    expect(() => load({ LIVE_MAX_PER_USER: '0' })).to.throw(ConfigError, /LIVE_MAX_PER_USER/);
  });
});
