/** Running an optional command-line tool: found on PATH or not, and run without blocking. */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ROOT } from './files.js';

/** The tool's path when it is on PATH, without starting it. */
export function findOnPath(tool: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return join(dir, tool);
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

export interface ToolResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `tool args` in the repository root; resolves with its exit status and output. */
export function runTool(tool: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(tool, args, { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, timeout: 8_000 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ status, stdout, stderr });
    });
  });
}
