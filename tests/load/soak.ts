/**
 * The load hold. Starts the whole system, measures its maximum end-to-end rate (captures
 * acknowledged and applied by every projection, clients sending as fast as answers come
 * back), then holds half that rate with traffic that arrives on schedule, sampling every
 * process's memory. Passes when no request failed, the system kept up (every request left
 * on time, projections caught up at the end) and the memory no process held grew more than
 * 10 % after warm-up: its resident anonymous memory less its V8 heap's free part, read right
 * after a full garbage collection in the process (see memory.ts for why neither total RSS
 * nor anonymous memory alone, and collector.ts for the collections).
 *
 *   npm run test:load                 # short: 30 s to measure, 2 min hold
 *   npm run test:load -- --soak       # 60 s to measure, 10 min hold (not in CI)
 *   --measure-seconds N --hold-seconds N --users N   to choose
 */
import { parseArgs } from 'node:util';
import { connectPostgres, sleep } from '@dreamcatcher/service-kit';
import { PROJECTIONS } from '../../scripts/system.mjs';
import { settle } from '../faults/invariants.js';
import { startTestSystem } from '../support/system.js';
import { GarbageCollector, inspectorPort } from './collector.js';
import { heapBytes, heldBytes, judgeMemory, residentBytes, trend, type MemoryVerdict, type Sample } from './memory.js';
import { Sender } from './pacer.js';

const { values } = parseArgs({
  options: {
    soak: { type: 'boolean', default: false },
    'measure-seconds': { type: 'string' },
    'hold-seconds': { type: 'string' },
    users: { type: 'string', default: '16' },
  },
});
const measureSeconds = Number(values['measure-seconds'] ?? (values.soak ? 60 : 30));
const holdSeconds = Number(values['hold-seconds'] ?? (values.soak ? 600 : 120));
const users = Number(values.users);
// Warm-up: a fifth of the hold, at least a minute when there is room; the windows compared: a minute each (less on short holds).
const warmUpSeconds = Math.min(Math.max(60, holdSeconds / 5), holdSeconds / 2);
const windowSeconds = Math.min(60, (holdSeconds - warmUpSeconds) / 3);

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? 0;
const log = (line: string) => process.stdout.write(`${line}\n`);

// Compiled, as `npm start` runs it (`npm run test:load` builds first): production's memory, without a TypeScript loader in each process.
const system = await startTestSystem({ mode: 'dist', env: { LOG_LEVEL: 'warn', NODE_OPTIONS: '--inspect=127.0.0.1:0' } });
const observer = await connectPostgres({ url: system.databaseUrl, applicationName: 'load-hold', max: 2 });
let failures: string[] = [];
const collectors = new Map<string, GarbageCollector>();
try {
  const runId = Date.now().toString(36);
  log(`load: measuring the maximum end-to-end rate for ${measureSeconds} s with ${users} clients sending flat out`);
  const probe = await Sender.create(system.api, users, `${runId}-max`, 1);
  const started = Date.now();
  await probe.flatOut(users, measureSeconds);
  await settle(observer, PROJECTIONS);
  const e2eSeconds = (Date.now() - started) / 1000;
  const maxRate = probe.stats.acknowledged / e2eSeconds;
  const commandsPerRequest = probe.stats.commands / probe.stats.requests;
  const target = maxRate / 2;
  log(`load: ${probe.stats.acknowledged} commands acknowledged and applied everywhere in ${e2eSeconds.toFixed(1)} s: ${maxRate.toFixed(1)} commands/s end to end (p50 ${percentile(probe.stats.latenciesMs, 0.5).toFixed(0)} ms, p99 ${percentile(probe.stats.latenciesMs, 0.99).toFixed(0)} ms)`);
  if (probe.stats.errors.size) failures.push(`errors while measuring: ${JSON.stringify([...probe.stats.errors])}`);

  log(`load: holding ${target.toFixed(1)} commands/s for ${holdSeconds} s (warm-up ${warmUpSeconds.toFixed(0)} s, memory windows of ${windowSeconds.toFixed(0)} s)`);
  const hold = await Sender.create(system.api, users, `${runId}-hold`, 2);
  const series = () => new Map<string, Sample[]>(system.running.plan.map((service) => [service.name, []]));
  const [held, samples, totals, heaps, heapSizes] = [series(), series(), series(), series(), series()];
  const pids = new Map(system.running.plan.map((service) => [service.name, system.running.pid(service.name)]));
  for (const { name } of system.running.plan) {
    const port = inspectorPort(system.logs.get(name) ?? []);
    if (port === undefined) throw new Error(`${name} has no inspector to collect its garbage with`);
    collectors.set(name, await GarbageCollector.connect(port));
  }
  const sample = async (at: number) => {
    for (const [name, pid] of pids) {
      await collectors.get(name)!.collect();
      const resident = pid === undefined ? undefined : await residentBytes(pid);
      const heap = await heapBytes(system.running.opsUrl(name)!);
      if (resident !== undefined) {
        samples.get(name)!.push({ at, bytes: resident.anonymous });
        totals.get(name)!.push({ at, bytes: resident.rss });
      }
      if (heap !== undefined) {
        heaps.get(name)!.push({ at, bytes: heap.used });
        heapSizes.get(name)!.push({ at, bytes: heap.total });
      }
      if (resident !== undefined && heap !== undefined) held.get(name)!.push({ at, bytes: heldBytes(resident.anonymous, heap) });
    }
  };
  let lastReport = 0;
  await hold.hold(target / commandsPerRequest, holdSeconds, 256, (elapsed) => {
    if (elapsed % 10 === 0) void sample(elapsed).catch((error: Error) => failures.push(`memory sample at ${elapsed} s: ${error.message}`));
    if (elapsed - lastReport >= 60) {
      lastReport = elapsed;
      log(`  ${elapsed} s: ${hold.stats.acknowledged} acknowledged, ${[...hold.stats.errors.values()].reduce((a, b) => a + b, 0)} errors, p99 ${percentile(hold.stats.latenciesMs.slice(-2_000), 0.99).toFixed(0)} ms`);
    }
  });
  const caughtUpMs = await settle(observer, PROJECTIONS, 60_000).catch((error: Error) => {
    failures.push(`projections did not catch up: ${error.message}`);
    return Number.NaN;
  });
  const achieved = hold.stats.acknowledged / holdSeconds;

  const verdicts: MemoryVerdict[] = [...held].map(([name, series]) => judgeMemory(name, series, { warmUpSeconds, windowSeconds, allowed: 0.1 }));
  const restarted = [...pids].filter(([name, pid]) => system.running.pid(name) !== pid).map(([name]) => name);
  log('');
  log(`load hold: ${target.toFixed(1)} commands/s asked, ${achieved.toFixed(1)} acknowledged per second over ${holdSeconds} s (max measured ${maxRate.toFixed(1)})`);
  log(`  requests ${hold.stats.requests}, commands ${hold.stats.commands}, acknowledged ${hold.stats.acknowledged}, errors ${JSON.stringify(Object.fromEntries(hold.stats.errors))}, late (skipped) ${hold.stats.skipped}`);
  log(`  latency p50 ${percentile(hold.stats.latenciesMs, 0.5).toFixed(0)} ms, p99 ${percentile(hold.stats.latenciesMs, 0.99).toFixed(0)} ms; projections caught up ${(caughtUpMs / 1000).toFixed(1)} s after the last request`);
  log('  memory held after a full collection (median of resident anonymous memory less the V8 heap\'s free part, first window after warm-up -> last window; then, per window in MB, held, anonymous, total RSS, V8 heap size and V8 heap in use):');
  const shape = (series: Sample[]) => trend(series, windowSeconds).map((bytes) => (bytes / 1024 / 1024).toFixed(0)).join(' ');
  for (const verdict of verdicts) {
    log(`    ${verdict.service.padEnd(26)} ${mb(verdict.first).padStart(7)} -> ${mb(verdict.last).padStart(7)}  ${(verdict.growth * 100).toFixed(1).padStart(6)} %  ${verdict.stable ? 'ok' : 'GREW'}`);
    log(`      held ${shape(held.get(verdict.service)!)}`);
    log(`      anon ${shape(samples.get(verdict.service)!)}`);
    log(`      rss  ${shape(totals.get(verdict.service)!)}`);
    log(`      heap ${shape(heapSizes.get(verdict.service)!)}`);
    log(`      used ${shape(heaps.get(verdict.service)!)}`);
  }

  if (hold.stats.errors.size) failures.push(`errors during the hold: ${JSON.stringify([...hold.stats.errors])}`);
  if (hold.stats.skipped) failures.push(`${hold.stats.skipped} request(s) could not leave on time (more than 256 in flight)`);
  if (restarted.length) failures.push(`restarted during the hold: ${restarted.join(', ')}`);
  for (const verdict of verdicts) if (!verdict.stable) failures.push(`${verdict.service} grew ${(verdict.growth * 100).toFixed(1)} % after warm-up`);
} catch (error) {
  failures = [...failures, `load run failed: ${(error as Error).stack}`];
} finally {
  for (const collector of collectors.values()) collector.close();
  await observer.end();
  await system.stop();
}
log(failures.length ? `\nFAILED:\n  ${failures.join('\n  ')}` : '\nload hold passed');
await sleep(10);
process.exit(failures.length ? 1 : 0);
