import { readdirSync, readFileSync } from 'node:fs';

/** The folders of the package that hold JSON Schemas, one kind of contract each. */
export const SCHEMA_KINDS = ['common', 'events', 'commands', 'envelope', 'http'] as const;
export type SchemaKind = (typeof SCHEMA_KINDS)[number];

/** Every schema `$id` starts with this, followed by `<kind>/<Name>.v<version>.schema.json`. */
export const SCHEMA_BASE_URI = 'https://dreamcatcher.dev/contracts/';

export type JsonSchema = { [keyword: string]: unknown };

/** One schema file of the package, as read from disk. */
export interface SchemaFile {
  kind: SchemaKind;
  /** `FragmentCaptured`, `Brand`, ... (the part of the file name before `.v<version>`). */
  name: string;
  version: number;
  /** Path relative to the package root, with `/`: `events/FragmentCaptured.v1.schema.json`. */
  path: string;
  schema: JsonSchema;
}

const FILE_NAME = /^([A-Za-z][A-Za-z0-9]*)\.v([1-9][0-9]*)\.schema\.json$/;

/**
 * The package root. Resolved from this module's URL so that both `src/` (tests, tsx) and
 * `dist/` (built code) find the schema folders that sit beside them.
 */
export const PACKAGE_ROOT = new URL('../', import.meta.url);

export function schemaId(kind: SchemaKind, name: string, version: number): string {
  return `${SCHEMA_BASE_URI}${kind}/${name}.v${version}.schema.json`;
}

/** Reads every `<kind>/<Name>.v<n>.schema.json` below `root`, sorted by path. */
export function loadSchemaFiles(root: URL = PACKAGE_ROOT): SchemaFile[] {
  const files: SchemaFile[] = [];
  for (const kind of SCHEMA_KINDS) {
    for (const fileName of readdirSync(new URL(`${kind}/`, root)).sort()) {
      const match = FILE_NAME.exec(fileName);
      if (!match) continue;
      const path = `${kind}/${fileName}`;
      const schema = JSON.parse(readFileSync(new URL(path, root), 'utf8')) as JsonSchema;
      files.push({ kind, name: match[1]!, version: Number(match[2]), path, schema });
    }
  }
  return files;
}
