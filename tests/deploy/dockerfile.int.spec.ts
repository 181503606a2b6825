import { readdirSync } from 'node:fs';
import { expect } from 'chai';
import { SCHEMA_KINDS } from '../../contracts/src/schema-files.js';
import { baseImage, copies, instructionsWithParents, readDockerfile } from './support/dockerfile.js';
import { exists, readText, repoPath } from './support/files.js';
import { plannedServices } from './support/system-plan.js';

const { stages } = readDockerfile();
const runtime = stages.at(-1)!;
const build = instructionsWithParents(stages, 'build');
const final = instructionsWithParents(stages, runtime.name);
const runs = (instructions: typeof build) => instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
const workspaces = (JSON.parse(readText('package.json')) as { workspaces: string[] }).workspaces;
const buildsDist = (workspace: string) => Boolean((JSON.parse(readText(`${workspace}/package.json`)) as { scripts?: { build?: string } }).scripts?.build);

describe('Dockerfile', () => {
  it('builds on node:20-bookworm-slim, in stages, and ends with the runtime stage', () => {
    expect(baseImage(stages, 'build')).to.equal('node:20-bookworm-slim');
    expect(baseImage(stages, runtime.name)).to.equal('node:20-bookworm-slim');
    expect(runtime.name).to.equal('runtime');
  });

  it('installs and builds with exactly the commands CI runs', () => {
    const ci = readText('.ci/run').split('\n').map((line) => line.trim());
    const install = ci.find((line) => line.startsWith('npm ci'));
    const compile = ci.find((line) => line.startsWith('npm run build'));
    expect(install, '.ci/run installs with npm ci').to.be.a('string');
    expect(compile, '.ci/run builds with npm run build').to.be.a('string');
    expect(runs(build)).to.include(install);
    expect(runs(build)).to.include(compile);
    // Dependencies are installed before the sources are copied in, and built after.
    const order = build.map((i) => (i.keyword === 'RUN' ? i.args : `${i.keyword} ${i.args}`));
    expect(order.indexOf(install!)).to.be.lessThan(order.indexOf('COPY . .'));
    expect(order.indexOf('COPY . .')).to.be.lessThan(order.indexOf(compile!));
  });

  it('copies the manifest of every npm workspace before installing', () => {
    const copied = copies(build).flatMap((copy) => copy.sources);
    expect(copied).to.include.members(['package.json', 'package-lock.json']);
    for (const workspace of workspaces) expect(copied, workspace).to.include(`${workspace}/package.json`);
  });

  it('runs production dependencies only, as NODE_ENV=production and an unprivileged user', () => {
    expect(runs(runtime.instructions).some((run) => /^npm ci .*--omit=dev/.test(run))).to.equal(true);
    expect(runs(runtime.instructions).some((run) => /npm run build|tsc/.test(run))).to.equal(false);
    const env = final.filter((i) => i.keyword === 'ENV').map((i) => i.args).join(' ');
    expect(env).to.match(/\bNODE_ENV=production\b/);
    expect(env, 'services listen on every interface').to.match(/\bHOST=0\.0\.0\.0\b/);
    const user = final.filter((i) => i.keyword === 'USER').at(-1)?.args;
    expect(user).to.be.a('string');
    expect(['root', '0', '0:0']).to.not.include(user);
  });

  it('carries the compiled dist/ of every workspace that builds one, and no sources', () => {
    const fromBuild = copies(runtime.instructions).filter((copy) => copy.from === 'build').flatMap((copy) => copy.sources);
    for (const workspace of workspaces.filter(buildsDist)) expect(fromBuild, workspace).to.include(`/app/${workspace}/dist`);
    expect(fromBuild.filter((source) => /\/src$|^\/app\/?\.?$/.test(source))).to.deep.equal([]);
    for (const { command } of plannedServices()) {
      expect(fromBuild.some((source) => command[1]!.startsWith(`${source.replace('/app/', '')}/`)), command.join(' ')).to.equal(true);
    }
  });

  it('carries the contract schemas the services load at run time', () => {
    const fromBuild = copies(runtime.instructions).filter((copy) => copy.from === 'build').flatMap((copy) => copy.sources);
    // contracts/src/schema-files.ts reads one folder per kind; openapi.ts reads bundle/openapi.json.
    for (const folder of [...SCHEMA_KINDS, 'bundle']) {
      expect(exists(`contracts/${folder}`), `contracts/${folder}`).to.equal(true);
      expect(fromBuild, `contracts/${folder}`).to.include(`/app/contracts/${folder}`);
    }
  });

  it('checks /health with node itself (no curl in the image) and starts a service by default', () => {
    const healthcheck = final.find((i) => i.keyword === 'HEALTHCHECK')?.args ?? '';
    expect(healthcheck).to.match(/CMD \["node", "-e"/);
    expect(healthcheck).to.contain('/health');
    expect(healthcheck).to.not.match(/curl|wget/);
    const cmd = JSON.parse(final.find((i) => i.keyword === 'CMD')?.args ?? 'null') as string[];
    expect(plannedServices().map((service) => service.command.join(' '))).to.include(cmd.join(' '));
  });

  it('keeps dependencies, build output, git history and env files out of the build context', () => {
    const ignored = readText('.dockerignore').split('\n').map((line) => line.trim());
    expect(ignored).to.include.members(['**/node_modules', '**/dist', '.git', '.env', '.env.*']);
    expect(readdirSync(repoPath('.')).filter((name) => name === '.dockerignore')).to.have.length(1);
  });
});
