/**
 * Stage 4: events per second of a full rebuild of every projection from the store
 * (the operators' `projections rebuild`, run as its own process, its own report of events
 * and seconds), over the 200,000 seeded events; against PostgreSQL taking the same kind
 * of rows 100 per INSERT, the best of 1 and 8 concurrent writers in each run.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { createTestDatabase } from '@dreamcatcher/service-kit/testing';
import { createRawTable, rawBatchInsertRate } from './baselines.js';
import { ROOT, SERVICE_NODE_OPTIONS, serviceCommand } from './processes.js';
import type { Results } from './results.js';
import { seededDatabase, type SeededDatabase } from './seed.js';
import type { StageContext } from './stage.js';

const run = promisify(execFile);

interface RebuildReport {
  events: number;
  seconds: number;
}

/** `projections rebuild --json` on the seeded database: every projection, blue-green. */
export async function rebuildProjections(data: SeededDatabase): Promise<RebuildReport> {
  const [command, args] = serviceCommand('projections/src/cli.ts');
  const { stdout } = await run(command, [...args, '--json', 'rebuild'], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: SERVICE_NODE_OPTIONS, DATABASE_URL: data.url, LOG_LEVEL: 'warn' },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 300_000,
  });
  const report = JSON.parse(stdout) as RebuildReport;
  if (report.events !== data.events) throw new Error(`the rebuild applied ${report.events} events, not the ${data.events} seeded`);
  data.projected = true;
  return report;
}

export async function rebuildStage(context: StageContext, results: Results): Promise<void> {
  const stage = '4 rebuild';
  const data = await seededDatabase(context, results);
  const batchDatabase = await createTestDatabase('dc_bench_batch');
  context.cleanup(() => batchDatabase.drop());
  const pools = [1, 8].map((max) => new pg.Pool({ connectionString: batchDatabase.url, max, application_name: 'bench-raw-batch' }));
  context.cleanup(() => Promise.all(pools.map((pool) => pool.end())));
  await createRawTable(pools[0]!);

  // A rebuild of 200,000 events takes long on a busy machine: past the budget, two runs do.
  const budgetEnds = performance.now() + (context.quick ? 30_000 : 150_000);
  for (let runIndex = 0; runIndex < context.runs; runIndex++) {
    if (runIndex >= 2 && performance.now() > budgetEnds) {
      results.note(`The rebuild ran ${runIndex} times, not ${context.runs}: its time budget was spent.`);
      break;
    }
    const report = await rebuildProjections(data);
    const rate = report.events / report.seconds;
    results.record({ key: 'rebuild.rate', stage, label: `rebuild of all six projections, ${data.events} events`, unit: 'events/s', better: 'higher' }, rate);
    const single = await rawBatchInsertRate(pools[0]!, 1, context.window);
    const eight = await rawBatchInsertRate(pools[1]!, 8, context.window);
    results.record({ key: 'rebuild.raw-batch', stage, label: 'raw 100-row INSERT (best of 1, 8 writers)', unit: 'rows/s', better: 'higher', baseline: true }, Math.max(single, eight));
    context.log(`rebuild run ${runIndex + 1}: ${Math.round(rate)} events/s in ${report.seconds.toFixed(1)} s; raw batched INSERT ${Math.round(single)} rows/s (1), ${Math.round(eight)} rows/s (8)`);
  }
  results.ratio({ key: 'rebuild.vs-raw', label: 'rebuild / raw batched INSERT', numerator: 'rebuild.rate', denominator: 'rebuild.raw-batch' });
  results.goal({ key: 'goal.rebuild', label: 'rebuild >= 50,000 events/s', of: 'rebuild.rate', op: '>=', target: 50_000 });
}
