import { expect } from 'chai';
import { ConfigError, DEFAULT_DATABASE_URL, loadConfig, readCommonConfig } from './config.js';

const read = (env: NodeJS.ProcessEnv) => loadConfig((reader) => ({
  ...readCommonConfig(reader, 'test'),
  port: reader.int('PORT', 8080, { min: 0, max: 65535 }),
  jwtSecret: reader.secret('JWT_SECRET', { developmentDefault: 'dev-secret-change-me' }),
}), env);

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    read(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  expect.fail('expected a ConfigError');
}

describe('configuration', () => {
  it('has safe local defaults', () => {
    const config = read({});
    expect(config).to.include({ databaseUrl: DEFAULT_DATABASE_URL, eventStore: 'postgres', port: 8080, logLevel: 'info', production: false });
    expect(config.jwtSecret).to.equal('dev-secret-change-me');
  });

  it('names every bad variable at once', () => {
    const problems = problemsOf({ PORT: 'eighty', DATABASE_URL: 'mysql://x/y', LOG_LEVEL: 'loud', EVENT_STORE: 'esdb' });
    expect(problems).to.have.length(4);
    expect(problems.join('\n')).to.match(/PORT must be an integer/)
      .and.match(/DATABASE_URL must be a postgres or postgresql URL/)
      .and.match(/LOG_LEVEL must be one of error, warn, info, debug, got "loud"/)
      .and.match(/EVENTSTORE_CONNECTION_STRING is required when EVENT_STORE=esdb/);
  });

  it('refuses development secrets in production', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).to.deep.equal(['JWT_SECRET is required']);
    expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: 'dev-secret-change-me' })).to.deep.equal(['JWT_SECRET is a development secret; production refuses it']);
    expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: 'short' })).to.deep.equal(['JWT_SECRET must be at least 32 characters in production']);
    expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) })[0]).to.match(/JWT_SECRET is too predictable for production/);
    expect(read({ NODE_ENV: 'production', JWT_SECRET: 'k3Vq9-Zr7pLw2XbN8sTd4YhGf6MjCe1A' }).production).to.equal(true);
  });

  it('reads NODE_ENV exactly, and refuses to start on any other value', () => {
    expect(read({ NODE_ENV: 'test' }).production).to.equal(false);
    for (const value of ['Production', 'PRODUCTION', 'prod', 'staging', ' production']) {
      expect(problemsOf({ NODE_ENV: value }), value).to.deep.equal([`NODE_ENV must be exactly one of development, test, production, got "${value}"`]);
    }
  });

  it('does not echo secrets in its messages', () => {
    const problems = problemsOf({ NODE_ENV: 'production', JWT_SECRET: 'tiny-secret-value' });
    expect(problems.join(' ')).not.to.include('tiny-secret-value');
  });
});
