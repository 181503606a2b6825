#!/usr/bin/env node
// `npx dreamcatcher ...`: runs the compiled CLI when it is built (npm run build), else its
// TypeScript sources through tsx, with the sibling packages resolved to their sources too.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/main.js', import.meta.url);
const source = new URL('../src/main.ts', import.meta.url);

if (existsSync(fileURLToPath(compiled)) && process.env.DREAMCATCHER_CLI_FROM_SOURCE !== '1') {
  await import(compiled.href);
} else {
  const tsx = import.meta.resolve('tsx');
  const child = spawn(process.execPath, ['--conditions=dreamcatcher-source', '--import', tsx, fileURLToPath(source), ...process.argv.slice(2)], { stdio: 'inherit' });
  // The child gets Ctrl-C from the terminal itself; a signal sent to this process alone is passed on.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1);
  });
}
