/**
 * What every command gets: the environment it reads its configuration from, where it writes,
 * whether `--json` was asked for, and how it sets the exit code. Commands print results on
 * `out` (one JSON document, or NDJSON for streams, with `--json`) and progress and warnings
 * on `err`, so that `--json` output can be piped.
 */
import { CommanderError } from 'commander';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Where progress bars draw (stderr); they stay silent when it is not a terminal. */
  progress: NodeJS.WritableStream;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  progress: process.stderr,
};

/** Exit codes: 0 done, 1 a check failed or the usage was wrong, 2 an error, 130 interrupted. */
export const EXIT = { ok: 0, failed: 1, error: 2, interrupted: 130 } as const;

export interface CliContext {
  env: NodeJS.ProcessEnv;
  io: CliIo;
  json(): boolean;
  setExitCode(code: number): void;
  /** Prints `value` as JSON with `--json`, else runs `human`. */
  print(value: unknown, human: () => void): void;
  /** Aborted on SIGINT / SIGTERM (long-running commands stop cleanly). */
  signal: AbortSignal;
}

/** A usage error: printed without a stack, exit code 1. */
export function usage(message: string): CommanderError {
  return new CommanderError(EXIT.failed, 'dreamcatcher.usage', message);
}

/** JSON with bigints as decimal strings (positions and revisions on the wire). */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item), indent);
}

/** Parses a store position (a decimal 64-bit number). */
export function parsePosition(value: string): bigint {
  if (!/^(0|[1-9][0-9]{0,18})$/.test(value)) throw usage(`a position is a decimal number, got "${value}"`);
  return BigInt(value);
}

/** Parses a positive whole number option. */
export function parseCount(value: string): number {
  const count = Number(value);
  if (!/^[1-9][0-9]*$/.test(value) || !Number.isSafeInteger(count)) throw usage(`expected a whole number above 0, got "${value}"`);
  return count;
}
