/**
 * Services under test run as their own processes, as in production: their CPU is not the
 * load generator's, and their memory can be read from the kernel. Peak RSS is the
 * kernel's high-water mark (`VmHWM`), so no sampling can miss a spike.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import pg from 'pg';
import { commandLine } from '../../scripts/system.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Node options of every service process: with BENCH_CPU_PROFILE_DIR set, each writes a CPU
 * profile there when it exits (cpu-profile.mjs).
 */
export const SERVICE_NODE_OPTIONS = process.env.BENCH_CPU_PROFILE_DIR ? `--import ${new URL('./cpu-profile.mjs', import.meta.url).href}` : '';

/** With profiling on, restarts the CPU profile of each process (leaving start-up out of it). */
export function restartProfiles(pids: (number | undefined)[]): void {
  if (!process.env.BENCH_CPU_PROFILE_DIR) return;
  for (const pid of pids) if (pid !== undefined) process.kill(pid, 'SIGUSR2');
}

/**
 * How a service of this repository runs here: from the compiled build, as `npm start` runs
 * it (`entry` names its TypeScript source: `gateway/src/main.ts` runs `gateway/dist/main.js`,
 * after the kit's telemetry entry, a no-op unless tracing is configured). Its memory and
 * start-up are then production's, without a TypeScript loader in the process.
 */
export function serviceCommand(entry: string): [string, string[]] {
  return commandLine(entry, 'dist');
}

/** Fails at once, saying what to do, when the compiled build is missing (`npm run bench` builds first). */
export function assertBuilt(): void {
  const missing = ['gateway/src/main.ts', 'projections/src/cli.ts'].map((entry) => serviceCommand(entry)[1].at(-1)!).filter((file) => !existsSync(join(ROOT, file)));
  if (missing.length) throw new Error(`the compiled build is missing (${missing.join(', ')}): run \`npm run build\` first (\`npm run bench\` does)`);
}

/**
 * Compiles a TypeScript module of the benchmark (the CRUD baseline) to JavaScript beside
 * it, in `.build/`, so that it runs as the services do, without a loader in the process.
 * Imports stay as they are; workspace packages resolve to their compiled build.
 */
export async function compileBenchModule(entry: string): Promise<string> {
  const outfile = join(dirname(entry), '.build', basename(entry).replace(/\.ts$/, '.mjs'));
  await build({ entryPoints: [join(ROOT, entry)], outfile: join(ROOT, outfile), format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning' });
  return outfile;
}

/** Peak resident set size of a live process, in MB (undefined once it has gone). */
export async function peakRssMb(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a live process has used so far, in ms (undefined once it has gone). */
export async function cpuTimeMs(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    // Fields 14 and 15 of /proc/PID/stat, in clock ticks (100 per second on Linux); the name in field 2 may hold spaces.
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

export interface NamedProcess {
  name: string;
  pid: number | undefined;
}

/**
 * CPU ms the named processes used while `work` ran, summed by name. `processes` is asked
 * again afterwards, so that processes started meanwhile (new database backends) count
 * from zero; one that ended meanwhile is lost.
 */
export async function cpuDuring<T>(processes: () => Promise<NamedProcess[]>, work: () => Promise<T>): Promise<{ result: T; cpuMs: Map<string, number> }> {
  const before = new Map<number, number>();
  for (const { pid } of await processes()) {
    const ms = await cpuTimeMs(pid);
    if (pid !== undefined && ms !== undefined) before.set(pid, ms);
  }
  const result = await work();
  const cpuMs = new Map<string, number>();
  for (const { name, pid } of await processes()) {
    const end = await cpuTimeMs(pid);
    if (pid === undefined || end === undefined) continue;
    cpuMs.set(name, (cpuMs.get(name) ?? 0) + end - (before.get(pid) ?? 0));
  }
  return { result, cpuMs };
}

/** The local RabbitMQ node (its Erlang VM), shared by every vhost. */
export async function brokerProcess(): Promise<NamedProcess[]> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const comm = await readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '');
    if (comm.trim() === 'beam.smp') return [{ name: 'rabbitmq', pid: Number(entry) }];
  }
  return [];
}

/** The PostgreSQL server processes serving connections to the database at `url` (the server runs on this machine). */
export async function databaseBackends(url: string, name = 'postgres'): Promise<NamedProcess[]> {
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), application_name: 'bench-cpu' });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
    return rows.map((row) => ({ name, pid: row.pid }));
  } finally {
    await client.end();
  }
}

export interface ServiceProcess {
  name: string;
  url: string;
  pid: number | undefined;
  /** The last lines the process wrote, for error messages. */
  tail(): string;
  stop(): Promise<void>;
}

/** Runs an entry of this repository as a service process (see `serviceCommand`) and waits until `readyPath` answers 200. */
export async function startService(name: string, entry: string, env: Record<string, string>, port: number, readyPath = '/health'): Promise<ServiceProcess> {
  const [command, args] = serviceCommand(entry);
  const child: ChildProcess = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: SERVICE_NODE_OPTIONS, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const service: ServiceProcess = {
    name,
    url,
    pid: child.pid,
    tail: () => lines.join('\n'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  try {
    await waitForHttp(`${url}${readyPath}`, 60_000, () => child.exitCode !== null);
  } catch (error) {
    await service.stop();
    throw new Error(`${name} did not start: ${(error as Error).message}\n${service.tail()}`);
  }
  return service;
}

async function waitForHttp(url: string, timeoutMs: number, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline && !exited()) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = `${res.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(exited() ? 'the process exited' : `${url} not ready after ${timeoutMs} ms: ${last}`);
}
