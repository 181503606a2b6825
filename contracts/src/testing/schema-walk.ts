import { posix } from 'node:path';
import type { JsonSchema } from '../schema-files.js';

/** Calls `visit` for every subschema-like object in a schema, with its JSON Pointer. */
export function walk(node: unknown, visit: (schema: JsonSchema, pointer: string) => void, pointer = ''): void {
  if (Array.isArray(node)) {
    node.forEach((item, index) => walk(item, visit, `${pointer}/${index}`));
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  visit(node as JsonSchema, pointer);
  for (const [key, value] of Object.entries(node)) {
    // Values of these keywords are data, not schemas.
    if (key === 'enum' || key === 'const' || key === 'default' || key === 'examples') continue;
    walk(value, visit, `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`);
  }
}

/** Resolves a `$ref` found in `basePath` to the referenced file path and JSON Pointer. */
export function splitRef(basePath: string, ref: string): { path: string; pointer: string } {
  const [file = '', pointer = ''] = ref.split('#');
  return { path: file ? posix.normalize(posix.join(posix.dirname(basePath), file)) : basePath, pointer };
}

export function resolvePointer(root: unknown, pointer: string): unknown {
  let node = root;
  for (const token of pointer.split('/').slice(1)) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}
