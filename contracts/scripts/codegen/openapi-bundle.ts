import { posix } from 'node:path';
import { parse } from 'yaml';
import type { JsonSchema, SchemaFile } from '../../src/schema-files.js';

/** Where the bundle is written, relative to the package root. */
export const OPENAPI_BUNDLE_PATH = 'bundle/openapi.json';

/**
 * Bundles `openapi.yaml` and the schema files it references into one JSON document that a
 * client can fetch (`GET /api/v1/openapi.json`): every referenced schema file becomes
 * `components.schemas.<title>` and each `$ref` is rewritten to point there. `$id` and
 * `$schema` are dropped from the copies, so that no tool resolves a reference against the
 * (not hosted) `$id` URL.
 */
export function bundleOpenApi(yamlText: string, files: readonly SchemaFile[]): string {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const included = new Map<string, JsonSchema>();
  const queue: SchemaFile[] = [];

  const target = (basePath: string, ref: string): string => {
    const [filePart = '', pointer = ''] = ref.split('#');
    const path = filePart ? posix.normalize(posix.join(posix.dirname(basePath), filePart)) : basePath;
    const file = byPath.get(path);
    if (!file) throw new Error(`${basePath}: $ref ${ref} names no schema file`);
    const name = String(file.schema.title);
    if (!included.has(name) && !queue.includes(file)) queue.push(file);
    return `#/components/schemas/${name}${pointer}`;
  };

  const document = rewrite(parse(yamlText, { merge: true }) as unknown, (ref) => (ref.startsWith('#') ? ref : target('openapi.yaml', ref))) as JsonSchema;
  for (let file = queue.shift(); file; file = queue.shift()) {
    const { $id: _id, $schema: _schema, ...schema } = file.schema;
    const path = file.path;
    included.set(String(file.schema.title), rewrite(schema, (ref) => target(path, ref)) as JsonSchema);
  }
  const components = (document.components ?? {}) as JsonSchema;
  const own = (components.schemas ?? {}) as JsonSchema;
  const schemas = Object.fromEntries([...Object.entries(own), ...included].sort(([a], [b]) => a.localeCompare(b)));
  document.components = { ...components, schemas };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** A deep copy of `node` with every `$ref` string replaced by `map(ref)`. */
function rewrite(node: unknown, map: (ref: string) => string): unknown {
  if (Array.isArray(node)) return node.map((item) => rewrite(item, map));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' ? map(value) : rewrite(value, map)]),
  );
}
