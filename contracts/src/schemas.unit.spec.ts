import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { HTTP_BODY_PATH_IDS } from '../scripts/codegen/index.js';
import { loadSchemaFiles, PACKAGE_ROOT, schemaId, type JsonSchema } from './schema-files.js';
import { resolvePointer, splitRef, walk } from './testing/schema-walk.js';
import { validatorFor } from './validation/ajv-cache.js';
import { toViolations } from './validation/violations.js';

const files = loadSchemaFiles();
const byPath = new Map(files.map((file) => [file.path, file]));
const declaresType = (schema: JsonSchema) => ['type', 'enum', 'oneOf'].some((k) => k in schema);
const exampleOf = (path: string): unknown => {
  const url = new URL(`examples/${path.replace('.schema.json', '.json')}`, PACKAGE_ROOT);
  return existsSync(url) ? JSON.parse(readFileSync(url, 'utf8')) : undefined;
};

describe('JSON Schemas', () => {
  it('are all there: 21 dream events (DreamImported in two versions) and 1 user event, 20 commands, the envelope, metadata and the sync session', () => {
    expect(files.filter((f) => f.kind === 'events')).to.have.length(23);
    expect(files.filter((f) => f.kind === 'commands')).to.have.length(20);
    expect(files.filter((f) => f.kind === 'envelope').map((f) => f.name)).to.deep.equal(['EventEnvelope', 'EventMetadata']);
    expect(byPath.has('http/SyncSession.v1.schema.json')).to.equal(true);
  });

  for (const file of files) {
    describe(file.path, () => {
      it('is a titled, described draft 2020-12 schema whose $id mirrors its path', () => {
        expect(file.schema.$schema).to.equal('https://json-schema.org/draft/2020-12/schema');
        expect(file.schema.$id).to.equal(schemaId(file.kind, file.name, file.version));
        expect(file.schema.title).to.equal(file.version === 1 ? file.name : `${file.name}V${file.version}`);
        expect(file.schema.description).to.be.a('string').and.have.length.greaterThan(10);
      });

      it('compiles in strict mode', () => {
        expect(validatorFor(String(file.schema.$id))).to.be.a('function');
      });

      it('closes every object, declares every required property, and $refs only what exists', () => {
        walk(file.schema, (node, pointer) => {
          const at = `${file.path}#${pointer}`;
          // A tagged union is closed by each of its branches, which are checked on their own.
          if (node.type === 'object' && !node.oneOf && !isOpenByDesign(file.path, pointer)) {
            expect(node.additionalProperties, `${at} additionalProperties`).to.equal(false);
          }
          const declared = { ...(node.properties as object), ...(resolvePointer(file.schema, parentOf(pointer)) as JsonSchema | undefined)?.properties as object };
          for (const name of (node.required as string[] | undefined) ?? []) {
            expect(declared, `${at} requires ${name}`).to.have.property(name);
          }
          if (typeof node.$ref === 'string') {
            const { path, pointer: target } = splitRef(file.path, node.$ref);
            expect(byPath.has(path), `${at} $ref ${node.$ref}`).to.equal(true);
            expect(resolvePointer(byPath.get(path)?.schema, target), `${at} $ref ${node.$ref}`).to.be.an('object');
          }
        });
      });

      if (declaresType(file.schema) && !HTTP_BODY_PATH_IDS[file.name.replace(/Body$/, '')]) {
        it('has an example that validates', () => {
          const example = exampleOf(file.path);
          expect(example, `examples/${file.path}`).not.to.equal(undefined);
          const validate = validatorFor(String(file.schema.$id));
          expect(validate(example) ? [] : toViolations(validate.errors)).to.deep.equal([]);
        });
      }
    });
  }

  describe('HTTP bodies derived from commands', () => {
    for (const [command, ids] of Object.entries(HTTP_BODY_PATH_IDS)) {
      it(`${command}Body accepts the ${command} example without ${ids.join(', ')}, and rejects it with them`, () => {
        const example = exampleOf(`commands/${command}.v1.schema.json`) as Record<string, unknown>;
        const body = Object.fromEntries(Object.entries(example).filter(([key]) => !ids.includes(key)));
        const validate = validatorFor(schemaId('http', `${command}Body`, 1));
        expect(validate(body) ? [] : toViolations(validate.errors)).to.deep.equal([]);
        expect(validate(example)).to.equal(false);
      });
    }
  });
});

/**
 * Objects that must accept unknown properties: metadata grows without breaking consumers,
 * an envelope's `data` is checked by its event schema, and a past state is the domain's own.
 */
const OPEN_BY_DESIGN = new Set([
  'envelope/EventMetadata.v1.schema.json#',
  'envelope/EventEnvelope.v1.schema.json#/properties/data',
  'http/DreamStateAt.v1.schema.json#/properties/state',
]);
function isOpenByDesign(path: string, pointer: string): boolean {
  return OPEN_BY_DESIGN.has(`${path}#${pointer}`);
}

/** `/anyOf/0` -> `` (the object whose properties an `anyOf` branch may require). */
function parentOf(pointer: string): string {
  const match = /^(.*)\/(anyOf|oneOf|allOf)\/\d+$/.exec(pointer);
  return match ? match[1]! : pointer;
}
