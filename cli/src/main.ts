/** The `dreamcatcher` process: runs the command line, stopping long commands cleanly on Ctrl-C / SIGTERM. */
import { runCli } from './program.js';

const stop = new AbortController();
let stoppedAt = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // Ctrl-C may arrive twice at once (from the terminal and passed on by the bin); a second
    // one later, while stopping, gives up at once.
    if (stop.signal.aborted && Date.now() - stoppedAt > 500) process.exit(130);
    stoppedAt ||= Date.now();
    stop.abort();
  });
}
process.exitCode = await runCli(process.argv.slice(2), { signal: stop.signal });
