/** Runs the `dreamcatcher` bin as a real process, the way an operator (or a script) does. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/dreamcatcher.mjs', import.meta.url));

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  /** `npx dreamcatcher` from the repository root instead of the bin's path. */
  npx?: boolean;
  /** Which bin to run (a compiled copy, say). */
  bin?: string;
  timeoutMs?: number;
}

export interface Running {
  child: ChildProcess;
  /** Signals the whole process group, as a terminal's Ctrl-C or a crash of the machine would (the bin runs the CLI as its child). */
  kill(signal: NodeJS.Signals): void;
  /** Everything written to stdout so far. */
  stdout(): string;
  stderr(): string;
  done: Promise<Run>;
}

/** Starts `dreamcatcher <args>` from its TypeScript sources (unless `env` says otherwise). */
export function startDreamcatcher(args: string[], { env = {}, npx = false, bin = BIN, timeoutMs = 120_000 }: RunOptions = {}): Running {
  const [command, argv] = npx ? ['npx', ['--no-install', 'dreamcatcher', ...args]] : [process.execPath, [bin, ...args]];
  const child = spawn(command, argv, { cwd: ROOT, env: { ...process.env, DREAMCATCHER_CLI_FROM_SOURCE: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // Already gone.
    }
  };
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => kill('SIGKILL'), timeoutMs);
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, kill, stdout: () => stdout, stderr: () => stderr, done };
}

export function dreamcatcher(args: string[], options: RunOptions = {}): Promise<Run> {
  return startDreamcatcher(args, options).done;
}

/** Parses `--json` output, saying what came out when it is not JSON. */
export function json<T = any>(run: Run): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${run.code}):\n${run.stdout}\n--- stderr\n${run.stderr}`);
  }
}
