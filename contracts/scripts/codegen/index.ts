import { readFileSync } from 'node:fs';
import { loadSchemaFiles, type SchemaFile } from '../../src/schema-files.js';
import { deriveHttpBodySchemas } from './http-bodies.js';
import { bundleOpenApi, OPENAPI_BUNDLE_PATH } from './openapi-bundle.js';
import { renderTypeScript } from './typescript.js';

export { HTTP_BODY_PATH_IDS, httpBodyPath } from './http-bodies.js';
export { OPENAPI_BUNDLE_PATH } from './openapi-bundle.js';

/**
 * Everything the generator writes, as package-relative path -> file text: the HTTP body
 * schemas derived from commands, the TypeScript types of all schemas, and the OpenAPI
 * document bundled into one JSON file. Pure apart from
 * reading the schema files, so a test can compare it with the committed files.
 */
export async function renderGeneratedFiles(root: URL): Promise<Map<string, string>> {
  const sources = loadSchemaFiles(root).filter((file) => !isDerived(file));
  const bodies = deriveHttpBodySchemas(sources);
  const derived: SchemaFile[] = [...bodies].map(([path, text]) => {
    const [, name = '', version = '1'] = /^http\/(\w+)\.v(\d+)\.schema\.json$/.exec(path) ?? [];
    return { kind: 'http', name, version: Number(version), path, schema: JSON.parse(text) };
  });
  const all = [...sources, ...derived].sort((a, b) => a.path.localeCompare(b.path));
  const openapi = bundleOpenApi(readFileSync(new URL('openapi.yaml', root), 'utf8'), all);
  return new Map([...bodies, ...(await renderTypeScript(all)), [OPENAPI_BUNDLE_PATH, openapi]]);
}

/** Derived files carry a `$comment` saying so; they are rebuilt, never read as a source. */
export function isDerived(file: SchemaFile): boolean {
  return typeof file.schema.$comment === 'string' && file.schema.$comment.startsWith('Generated from');
}
