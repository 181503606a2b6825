/** @dreamcatcher/cli: the `dreamcatcher` operator command line (bin/dreamcatcher.mjs), runnable from code too. */
export { buildProgram, runCli } from './program.js';
export { EXIT, type CliContext, type CliIo } from './context.js';
export { measure as measureLagReport } from './lag/command.js';
export type { LagReport, LagRow } from './lag/report.js';
