import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { isDerived, renderGeneratedFiles } from '../scripts/codegen/index.js';
import { loadSchemaFiles, PACKAGE_ROOT } from './schema-files.js';

describe('generated files', function () {
  // json-schema-to-typescript formats with prettier, which takes a moment to load.
  this.timeout(60_000);

  it('equal what the schemas generate now (run `npm run generate -w @dreamcatcher/contracts` if not)', async () => {
    const files = await renderGeneratedFiles(PACKAGE_ROOT);
    expect([...files.keys()]).to.include.members(['src/generated/events.ts', 'src/generated/commands.ts', 'http/AddFragmentBody.v1.schema.json']);
    for (const [path, text] of files) {
      expect(readFileSync(new URL(path, PACKAGE_ROOT), 'utf8'), path).to.equal(text);
    }
    // and nothing generated earlier is left over from a schema that is gone
    const onDisk = [
      ...readdirSync(new URL('src/generated/', PACKAGE_ROOT)).map((name) => `src/generated/${name}`),
      ...loadSchemaFiles().filter(isDerived).map((file) => file.path),
    ];
    expect(onDisk.filter((path) => !files.has(path))).to.deep.equal([]);
  });
});
