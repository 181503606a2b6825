import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const fixture = fileURLToPath(new URL('./testing/fixtures/service.ts', import.meta.url));

function start(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--conditions=dreamcatcher-source', '--import', 'tsx', fixture], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

describe('service lifecycle', function () {
  this.timeout(20_000);

  it('closes what it opened, last first, on SIGTERM and exits 0', async () => {
    const service = start({});
    while (!service.lines.some((line) => line.message === 'started')) await new Promise((resolve) => setTimeout(resolve, 20));
    service.child.kill('SIGTERM');
    expect(await service.exited).to.equal(0);
    const messages = service.lines.map((line) => line.message);
    expect(messages.slice(messages.indexOf('shutting down'))).to.deep.equal(['shutting down', 'closed second', 'closed first']);
  });

  it('refuses to start with bad configuration, naming the variable', async () => {
    const service = start({ FIXTURE_PORT: 'abc' });
    expect(await service.exited).to.equal(1);
    const failure = service.lines.find((line) => line.level === 'error');
    expect(String(failure?.message)).to.include('FIXTURE_PORT must be an integer between 1 and 65535, got "abc"');
    expect(service.lines.some((line) => line.message === 'started')).to.equal(false);
  });
});
