/**
 * bin/dreamcatcher.mjs runs the compiled CLI when it is built and the TypeScript sources
 * (through tsx) when it is not. The compiled case is checked on a build of the CLI made for
 * this test, next to a copy of the bin, so the working tree's own build state does not matter.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { BIN, dreamcatcher, ROOT } from './testing/run.js';

const run = promisify(execFile);

describe('the dreamcatcher bin', function () {
  this.timeout(180_000);

  it('runs the TypeScript sources through tsx when the CLI is not built (or when asked to)', async () => {
    const version = await dreamcatcher(['--version']);
    expect(version.code, version.stderr).to.equal(0);
    expect(version.stdout.trim()).to.equal('0.1.0 (TypeScript sources)');
    if (!existsSync(join(ROOT, 'cli/dist/main.js'))) {
      const unbuilt = await dreamcatcher(['--version'], { env: { DREAMCATCHER_CLI_FROM_SOURCE: '' } });
      expect(unbuilt.stdout.trim()).to.equal('0.1.0 (TypeScript sources)');
    }
  });

  describe('built', () => {
    // Inside cli/node_modules: ignored by git, and the build finds the CLI's own dependencies from there.
    // Emitted without type checking: the type check is the repository's (npm run typecheck).
    const copy = join(ROOT, 'cli/node_modules/.dreamcatcher-bin-test');
    before(async function () {
      const missing = ['services/kit/dist/index.js', 'services/audit/dist/index.js'].filter((file) => !existsSync(join(ROOT, file)));
      if (missing.length) {
        console.log(`      skipped: the packages the compiled CLI loads are not built (${missing.join(', ')}); run npm run build`);
        this.skip();
      }
      await rm(copy, { recursive: true, force: true });
      await mkdir(join(copy, 'bin'), { recursive: true });
      await copyFile(BIN, join(copy, 'bin/dreamcatcher.mjs'));
      await writeFile(join(copy, 'package.json'), JSON.stringify({ name: '@dreamcatcher/cli', version: '0.1.0', type: 'module' }));
      await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'cli/tsconfig.build.json'), '--outDir', join(copy, 'dist'), '--noCheck'], { cwd: ROOT, timeout: 120_000 });
    });
    after(async () => {
      await rm(copy, { recursive: true, force: true });
    });

    it('runs the compiled CLI', async () => {
      const bin = join(copy, 'bin/dreamcatcher.mjs');
      const version = await dreamcatcher(['--version'], { bin, env: { DREAMCATCHER_CLI_FROM_SOURCE: '' } });
      expect(version.code, version.stderr).to.equal(0);
      expect(version.stdout.trim()).to.equal('0.1.0 (compiled)');
      const help = await dreamcatcher(['store', 'copy', '--help'], { bin, env: { DREAMCATCHER_CLI_FROM_SOURCE: '' } });
      expect(help.code, help.stderr).to.equal(0);
      expect(help.stdout).to.include('Usage: dreamcatcher store copy');
    });
  });
});
