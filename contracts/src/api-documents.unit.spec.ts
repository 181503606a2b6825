import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import { fromFile, Parser } from '@asyncapi/parser';
import { expect } from 'chai';
import { parse } from 'yaml';
import { HTTP_BODY_PATH_IDS } from '../scripts/codegen/index.js';
import { ALL_EVENT_TYPES, COMMAND_TYPES, currentEventVersion } from './catalogue.js';
import { openApiDocument, openApiOperations, toExpressPath } from './openapi.js';
import { EXCHANGE, routingKey } from './routing.js';
import { loadSchemaFiles, PACKAGE_ROOT, SCHEMA_BASE_URI } from './schema-files.js';
import { previousVersions } from './upcasters.js';
import { resolvePointer, splitRef, walk } from './testing/schema-walk.js';

const file = (name: string) => fileURLToPath(new URL(name, PACKAGE_ROOT));
const schemas = new Map(loadSchemaFiles().map((f) => [f.path, f.schema]));
type Json = Record<string, any>;

// The schemas' `$id`s are canonical names, not hosted: resolve them to the package's files.
const packageFiles = {
  order: 1,
  canRead: (f: { url: string }) => f.url.startsWith(SCHEMA_BASE_URI),
  read: (f: { url: string }) => readFileSync(new URL(f.url.slice(SCHEMA_BASE_URI.length), PACKAGE_ROOT), 'utf8'),
};
const parserOptions = { resolve: { dreamcatcher: packageFiles, http: false } } as never;

/** Every `$ref` to a file in a YAML document names an existing schema, and its pointer resolves. */
function expectFileRefsResolve(document: unknown, docName: string): number {
  let refs = 0;
  walk(document, (node, pointer) => {
    if (typeof node.$ref !== 'string' || node.$ref.startsWith('#')) return;
    refs++;
    const { path, pointer: inner } = splitRef(docName, node.$ref);
    expect(schemas.has(path), `${docName}#${pointer}: ${node.$ref}`).to.equal(true);
    expect(resolvePointer(schemas.get(path), inner), `${docName}#${pointer}: ${node.$ref}`).to.be.an('object');
  });
  return refs;
}

// Every route of the HTTP API in the design, plus the operational ones.
const ROUTES = `
POST /api/v1/conversations/capture
POST /api/v1/dreams/import
POST /api/v1/dreamcatcher/import
POST /api/v1/dreams
GET /api/v1/dreams
GET /api/v1/dreams/brand/:brand
GET /api/v1/dreams/:id
PATCH /api/v1/dreams/:id
DELETE /api/v1/dreams/:id
PUT /api/v1/dreams/:id/status
PUT /api/v1/dreams/:id/tags
POST /api/v1/dreams/:id/fragments
PATCH /api/v1/dreams/:id/fragments/:fragmentId
DELETE /api/v1/dreams/:id/fragments/:fragmentId
PUT /api/v1/dreams/:id/todos
POST /api/v1/dreams/:id/todos
PATCH /api/v1/dreams/:id/todos/:todoId
DELETE /api/v1/dreams/:id/todos/:todoId
POST /api/v1/dreams/:id/documents
POST /api/v1/dreams/:id/implement
POST /api/v1/dreams/:id/implementation
POST /api/v1/dreams/:id/sync
POST /api/v1/sync-sessions
GET /api/v1/dreams/:id/fragments
GET /api/v1/dreams/:id/statistics
GET /api/v1/dreams/:id/history
GET /api/v1/sync/status
GET /api/v1/me/activity
GET /api/v1/search
GET /api/v1/brands
GET /api/v1/tags
POST /api/v1/imports
GET /api/v1/imports/:importId
GET /api/v1/live
GET /api/v1/ws
GET /api/v1/audit/events
GET /api/v1/audit/events/export
GET /api/v1/audit/dreams/:id/events
GET /api/v1/audit/dreams/:id/state
GET /api/v1/audit/dreams/:id/verify
POST /api/v1/admin/api-keys
POST /api/v1/me/api-keys
GET /api/v1/me/api-keys
DELETE /api/v1/me/api-keys/:id
GET /api/v1/admin/api-keys
DELETE /api/v1/admin/api-keys/:id
POST /api/v1/admin/users/:id/erase
GET /api/v1/openapi.json
GET /health
GET /ready
GET /metrics`
  .trim()
  .split('\n');

describe('OpenAPI document', function () {
  this.timeout(20_000);
  const yamlDoc = parse(readFileSync(file('openapi.yaml'), 'utf8')) as Json;

  it('is a valid OpenAPI 3.1 document with every reference resolved', async () => {
    const api = (await SwaggerParser.validate(file('openapi.yaml'), parserOptions)) as unknown as Json;
    expect(api.openapi).to.equal('3.1.0');
  });

  it('refers only to schema files that exist', () => {
    expect(expectFileRefsResolve(yamlDoc, 'openapi.yaml')).to.be.greaterThan(30);
  });

  it('declares exactly the routes of the HTTP API', () => {
    const declared = openApiOperations().map((op) => `${op.method} ${toExpressPath(op.path)}`);
    expect([...declared].sort()).to.deep.equal([...ROUTES].sort());
    expect(new Set(openApiOperations().map((op) => op.operationId)).size).to.equal(ROUTES.length);
  });

  it('takes each command body from its command schema, or from the body derived without the path ids', () => {
    const paths = yamlDoc.paths as Json;
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(item as Json)) {
        const ref: string | undefined = (operation as Json).requestBody?.content?.['application/json']?.schema?.$ref;
        // Sync sessions carry commands inside; API keys are no command at all.
        if (!ref || ref.includes('SyncSession') || ref.includes('ApiKey')) continue;
        const [, kind, name] = /^\.\/(commands|http)\/(\w+?)(?:Body)?\.v1\.schema\.json$/.exec(ref) ?? [];
        expect(COMMAND_TYPES, `${method} ${path}: ${ref}`).to.include(name);
        const pathIds = [...path.matchAll(/\{(\w+)\}/g)].map((m) => (m[1] === 'id' ? 'dreamId' : m[1]));
        if (kind === 'http') expect(HTTP_BODY_PATH_IDS[name!], `${method} ${path}`).to.deep.equal(pathIds);
        else expect(pathIds, `${method} ${path}`).to.deep.equal([]);
      }
    }
  });

  it('describes the bearer JWT and ApiKey schemes and the command headers', () => {
    const { securitySchemes, parameters } = yamlDoc.components as Json;
    expect(securitySchemes.bearer).to.include({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(securitySchemes.apiKey).to.include({ type: 'apiKey', in: 'header', name: 'Authorization' });
    const headers = Object.values(parameters as Json).filter((p) => p.in === 'header').map((p) => p.name);
    expect(headers).to.include.members(['Idempotency-Key', 'If-Match', 'X-Min-Position', 'X-Correlation-Id', 'traceparent']);
  });

  it('is bundled into one valid JSON document without external references (run the generator if not)', async () => {
    const bundled = openApiDocument();
    walk(bundled, (node, pointer) => {
      if (typeof node.$ref === 'string') expect(node.$ref, pointer).to.match(/^#\//);
    });
    const api = (await SwaggerParser.validate(bundled as never)) as unknown as Json;
    expect(Object.keys(api.paths)).to.have.length(Object.keys(yamlDoc.paths).length);
  });
});

describe('AsyncAPI document', function () {
  this.timeout(20_000);
  const yamlDoc = parse(readFileSync(file('asyncapi.yaml'), 'utf8')) as Json;

  it('parses and validates as AsyncAPI 3.0 without errors', async () => {
    const { document, diagnostics } = await fromFile(new Parser(), file('asyncapi.yaml')).parse();
    expect(diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('/')}: ${d.message}`)).to.deep.equal([]);
    expect(document?.version()).to.equal('3.0.0');
    // DreamImported has a v1 (deprecated) and a v2 channel.
    expect(document?.channels().length).to.equal(ALL_EVENT_TYPES.length + 1);
  });

  it('refers only to schema files that exist', () => {
    expect(expectFileRefsResolve(yamlDoc, 'asyncapi.yaml')).to.equal(2 * (ALL_EVENT_TYPES.length + 1));
  });

  it('has one message per event type and published version, on a channel addressed by its routing key', () => {
    const messages = Object.values(yamlDoc.components.messages as Json);
    const published = (type: string) => [...previousVersions(type), currentEventVersion(type)].sort();
    expect(messages.map((m) => m.name).sort()).to.deep.equal(ALL_EVENT_TYPES.flatMap((type) => published(type).map(() => type)).sort());
    for (const type of ALL_EVENT_TYPES) {
      const channels = Object.values(yamlDoc.channels as Json).filter((c) => Object.keys(c.messages).includes(type));
      expect(channels.map((c) => c.address), type).to.deep.equal(published(type).map((version) => routingKey(type, version)));
      for (const version of published(type)) {
        const [envelope, specific] = yamlDoc.components.messages[`${type}V${version}`].payload.allOf;
        expect(envelope.$ref).to.equal('./envelope/EventEnvelope.v1.schema.json');
        expect(specific.properties.data.$ref).to.equal(`./events/${type}.v${version}.schema.json`);
        expect(specific.properties.type.const).to.equal(type);
        expect(specific.properties.schemaVersion.const).to.equal(version);
      }
    }
  });

  it('binds every channel to the durable topic exchange and sends persistent JSON messages with the agreed headers', () => {
    const { channelBindings, operationBindings, schemas } = yamlDoc.components as Json;
    expect(channelBindings.eventsExchange.amqp.exchange).to.include({ name: EXCHANGE, type: 'topic', durable: true });
    expect(operationBindings.persistentPublish.amqp.deliveryMode).to.equal(2);
    expect(Object.keys(schemas.MessageHeaders.properties)).to.have.members([
      'x-stream', 'x-revision', 'x-position', 'x-correlation-id', 'x-causation-id', 'traceparent', 'x-deprecated-version',
    ]);
    for (const message of Object.values(yamlDoc.components.messages as Json)) {
      expect(message.contentType).to.equal('application/json');
      expect(message['x-amqp-properties']).to.include({ messageId: '$message.payload#/eventId', type: message.name, deliveryMode: 2 });
    }
  });
});
