/**
 * Regenerates what derives from the JSON Schemas: the HTTP body schemas in http/ and the
 * TypeScript types in src/generated/. Run `npm run generate -w @dreamcatcher/contracts`
 * after changing a schema and commit the result; a unit test fails while they differ.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderGeneratedFiles } from './codegen/index.js';

const root = new URL('../', import.meta.url);
const files = await renderGeneratedFiles(root);
for (const [path, text] of files) {
  const target = fileURLToPath(new URL(path, root));
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
}
console.log(`wrote ${files.size} files`);
