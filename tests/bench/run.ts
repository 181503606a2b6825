/**
 * `npm run bench [-- --quick] [-- --only append,relay] [-- --runs N] [-- --out DIR]`
 *
 * `npm run bench` builds first: every service runs from its compiled build, as in production.
 * Measures the system stage by stage against baselines taken in the same run, on the
 * local PostgreSQL and RabbitMQ, each stage in its own databases and vhosts (dropped at the
 * end), then prints the table and writes `bench-results.json` and `bench-results.svg`.
 * The full run takes about six minutes on two quiet cores; `--quick` (smaller data, 1 s
 * windows, two runs per figure) under two. BENCH_CPU_PROFILE_DIR=DIR makes every service
 * process write a CPU profile of the load into DIR (see profile-summary.ts).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { appendStage } from './append.js';
import { endToEndStage } from './end-to-end.js';
import { machineFacts } from './machine.js';
import { memoryGoals } from './memory.js';
import { assertBuilt } from './processes.js';
import { queryStage } from './queries.js';
import { rebuildStage } from './rebuild.js';
import { relayStage } from './relay.js';
import { writeReport } from './report.js';
import { Results } from './results.js';
import type { StageContext } from './stage.js';

const STAGES = {
  append: appendStage,
  relay: relayStage,
  'end-to-end': endToEndStage,
  rebuild: rebuildStage,
  queries: queryStage,
} as const;
type StageName = keyof typeof STAGES;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    runs: { type: 'string' },
    out: { type: 'string', default: '.' },
  },
});
const quick = values.quick ?? false;
const only = (values.only?.split(',') ?? Object.keys(STAGES)) as StageName[];
const unknown = only.filter((name) => !(name in STAGES));
if (unknown.length) throw new Error(`unknown stage(s) ${unknown.join(', ')}; known: ${Object.keys(STAGES).join(', ')}`);

const started = performance.now();
const cleanups: (() => Promise<unknown>)[] = [];
const log = (message: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
const context: StageContext = {
  quick,
  runs: values.runs ? Number(values.runs) : quick ? 2 : 3,
  window: quick ? { warmupMs: 300, windowMs: 1_000 } : { warmupMs: 500, windowMs: 2_000 },
  log,
  cleanup: (step) => void cleanups.push(step),
};

assertBuilt();
const results = new Results();
const machine = await machineFacts();
log(`${machine.cpus} x ${machine.cpuModel}, load average ${machine.loadAverageBefore.join(' ')}; ${quick ? 'quick' : 'full'} run, ${context.runs} runs per figure`);
let failure: unknown;
try {
  // The stages that start the whole system run after the in-process ones, so that nothing idles beside them.
  for (const name of only) {
    log(`stage ${name}`);
    const stageStarted = performance.now();
    await STAGES[name](context, results);
    log(`stage ${name} took ${((performance.now() - stageStarted) / 1000).toFixed(1)} s`);
  }
  memoryGoals(results);
} catch (error) {
  failure = error;
} finally {
  for (const step of cleanups.reverse()) await step().catch((error: Error) => log(`cleanup failed: ${error.message}`));
}
machine.loadAverageAfter = os.loadavg().map((load) => Number(load.toFixed(2)));
machine.seconds = Math.round((performance.now() - started) / 1000);
await writeReport(results, machine, { quick, runs: context.runs, window: context.window, outDir: values.out ?? '.' });
if (failure) {
  console.error(failure);
  process.exitCode = 1;
}
// Pools and broker connections of the stages are closed; anything a library left behind must not hold the run open.
setTimeout(() => process.exit(), 2_000).unref();
