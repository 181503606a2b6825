/** The relay as a separate process (its real entry point), to kill it with SIGKILL. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { eventually } from '@dreamcatcher/service-kit/testing';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

export interface RelayProcess {
  child: ChildProcess;
  /** Ops port, known once the process has logged it. */
  port(): Promise<number>;
  /** `/metrics` value of an unlabelled metric. */
  metric(name: string): Promise<number>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  output(): string;
}

export function spawnRelay(env: Record<string, string>): RelayProcess {
  const child = spawn(process.execPath, ['--conditions=dreamcatcher-source', '--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', RELAY_LOCK_RETRY_MS: '200', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let port: number | undefined;
  const read = (chunk: Buffer) => {
    out += chunk.toString();
    const match = /"message":"relay ops server listening"[^\n]*"port":(\d+)|"port":(\d+)[^\n]*"message":"relay ops server listening"/.exec(out);
    if (match && port === undefined) port = Number(match[1] ?? match[2]);
  };
  child.stdout!.on('data', read);
  child.stderr!.on('data', read);
  const exited = once(child, 'exit');

  const handle: RelayProcess = {
    child,
    port: () => eventually(() => port, { what: `relay process port\n${out}`, timeoutMs: 20_000 }),
    async metric(name) {
      const response = await fetch(`http://127.0.0.1:${await handle.port()}/metrics`);
      const text = await response.text();
      const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{`) || candidate.startsWith(`${name} `));
      return line ? Number(line.split(' ').at(-1)) : Number.NaN;
    },
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
    output: () => out,
  };
  return handle;
}
