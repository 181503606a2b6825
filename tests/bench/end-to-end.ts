/**
 * Stage 3: captures per second through the whole system (gateway -> command service ->
 * store -> relay -> broker -> projectors), each a real process as in production, with 32
 * concurrent keep-alive clients (one user each); and how long after its answer each
 * capture is visible in `dream_summary`. The same load against the CRUD baseline (one
 * Express + pg process writing the rows directly); the two alternate run by run.
 *
 * Each client captures into a dream it created, starting a new dream every tenth
 * capture, with an Idempotency-Key on every request as the extension sends. Services log
 * at `warn` (the per-request access log is not what is compared) and the gateway's rate
 * limit is lifted. The CPU time each process used per capture is read from the kernel
 * (a figure busy neighbours on the machine hardly move), and peak RSS of every process
 * (stage 6) when the runs are over.
 */
import { randomUUID } from 'node:crypto';
import { createTestDatabase } from '@dreamcatcher/service-kit/testing';
import { DEVELOPMENT_ENV } from '../../scripts/system.mjs';
import { freePort, startTestSystem } from '../support/system.js';
import { captureBody } from './events.js';
import { HttpClient } from './http-client.js';
import { closedLoop, percentile, type LoopResult, type Window } from './measure.js';
import { recordPeakRss } from './memory.js';
import { brokerProcess, compileBenchModule, cpuDuring, databaseBackends, restartProfiles, SERVICE_NODE_OPTIONS, startService } from './processes.js';
import type { Results } from './results.js';
import type { StageContext } from './stage.js';
import { VisibilityWatch } from './visibility.js';

export const CLIENTS = 32;
const CAPTURES_PER_DREAM = 10;
const CAPTURE_PATH = '/api/v1/conversations/capture';

interface CaptureAnswer {
  dreamId: string;
  position?: string;
}

/** The capture workload against `baseUrl`; `onAnswer` sees every answer. */
function captureLoad(baseUrl: string, tokens: string[], window: Window, onAnswer?: (answer: CaptureAnswer) => void): Promise<LoopResult> {
  const client = new HttpClient(baseUrl, CLIENTS);
  const dreams: (string | undefined)[] = Array.from({ length: CLIENTS });
  return closedLoop(CLIENTS, window, async (worker, n) => {
    const dreamId = n % CAPTURES_PER_DREAM === 0 ? undefined : dreams[worker];
    const answer = await client.json<CaptureAnswer>('POST', CAPTURE_PATH, [200, 201], {
      headers: { authorization: `Bearer ${tokens[worker]}`, 'idempotency-key': randomUUID() },
      body: captureBody(n, dreamId),
    });
    dreams[worker] = answer.dreamId;
    onAnswer?.(answer);
  }).finally(() => client.close());
}

/** CPU per capture of each service, the six projectors together, and all of them. */
function recordServiceCpu(results: Results, stage: string, cpuMs: Map<string, number>, captures: number): void {
  const groups = new Map<string, number>();
  for (const [name, ms] of cpuMs) {
    if (name === 'rabbitmq') {
      results.record({ key: 'e2e.broker-cpu', stage, label: 'RabbitMQ CPU per capture (whole node): system', unit: 'ms CPU', better: 'lower' }, ms / captures);
      continue;
    }
    if (name === 'postgres') {
      results.record({ key: 'e2e.db-cpu', stage, label: 'PostgreSQL CPU per capture: system', unit: 'ms CPU', better: 'lower' }, ms / captures);
      continue;
    }
    const group = name.startsWith('projector-') ? 'projectors (6)' : name;
    groups.set(group, (groups.get(group) ?? 0) + ms);
    groups.set('all services', (groups.get('all services') ?? 0) + ms);
  }
  for (const [group, ms] of groups) {
    results.record({ key: `e2e.cpu.${group}`, stage, label: `service CPU per capture: ${group}`, unit: 'ms CPU', better: 'lower' }, ms / captures);
  }
}

export async function endToEndStage(context: StageContext, results: Results): Promise<void> {
  const stage = '3 end-to-end';
  context.log('starting the system (gateway, command service, relay, six projectors) and the CRUD baseline');
  const system = await startTestSystem({ mode: 'dist', env: { LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000000', NODE_OPTIONS: SERVICE_NODE_OPTIONS } });
  context.cleanup(() => system.stop());
  const crudDatabase = await createTestDatabase('dc_bench_crud');
  context.cleanup(() => crudDatabase.drop());
  const crud = await startService('crud', await compileBenchModule('tests/bench/crud-service.ts'), { DATABASE_URL: crudDatabase.url, JWT_SECRET: DEVELOPMENT_ENV.JWT_SECRET, LOG_LEVEL: 'warn' }, await freePort());
  context.cleanup(() => crud.stop());
  const broker = await brokerProcess();
  const watch = await VisibilityWatch.start(system.databaseUrl);
  context.cleanup(() => watch.close());
  const services = system.running.plan.map((service) => ({ name: service.name, pid: system.running.pid(service.name) }));

  // Unmeasured first: the services compile their hot paths and open their pools, and the
  // projections catch up, before the first run counts anything.
  context.log('warming up the system and the CRUD service');
  const warmTokens = await Promise.all(Array.from({ length: CLIENTS }, (_, n) => system.token(`bench-warm-user-${n}`)));
  const warm = { warmupMs: 0, windowMs: context.quick ? 2_000 : 5_000 };
  // Captures can take seconds on a busy machine: windows long enough for many of them.
  const window: Window = context.quick ? context.window : { warmupMs: 1_000, windowMs: 5_000 };
  await captureLoad(system.gatewayUrl, warmTokens, warm, (answer) => watch.expect(BigInt(answer.position!)));
  await captureLoad(crud.url, warmTokens, warm);
  await watch.drain(120_000);
  restartProfiles([...services.map((service) => service.pid), crud.pid]);

  for (let run = 0; run < context.runs; run++) {
    const tokens = await Promise.all(Array.from({ length: CLIENTS }, (_, n) => system.token(`bench-${run}-user-${n}`)));
    const order = run % 2 ? ['crud', 'system'] : ['system', 'crud'];
    for (const which of order) {
      if (which === 'crud') {
        const crudProcesses = async () => [{ name: 'crud', pid: crud.pid }, ...(await databaseBackends(crudDatabase.url)), ...broker];
        const { result: load, cpuMs } = await cpuDuring(crudProcesses, () => captureLoad(crud.url, tokens, window));
        results.record({ key: 'e2e.crud.cpu', stage, label: 'service CPU per capture: CRUD service', unit: 'ms CPU', better: 'lower', baseline: true }, cpuMs.get('crud')! / load.total);
        results.record({ key: 'e2e.crud.broker-cpu', stage, label: 'RabbitMQ CPU per capture (whole node): CRUD service', unit: 'ms CPU', better: 'lower', baseline: true }, (cpuMs.get('rabbitmq') ?? 0) / load.total);
        results.record({ key: 'e2e.crud.db-cpu', stage, label: 'PostgreSQL CPU per capture: CRUD service', unit: 'ms CPU', better: 'lower', baseline: true }, (cpuMs.get('postgres') ?? 0) / load.total);
        results.record({ key: 'e2e.crud', stage, label: 'CRUD service captures', unit: 'captures/s', better: 'higher', baseline: true }, load.rate);
        results.record({ key: 'e2e.crud.answer-p99', stage, label: 'CRUD capture answer p99', unit: 'ms', better: 'lower', baseline: true }, percentile(load.latencies, 99));
        results.record({ key: 'e2e.crud.client-cpu', stage, label: 'load generator CPU (CRUD)', unit: 'cores', better: 'lower', baseline: true }, load.clientCpuCores);
        context.log(`end-to-end run ${run + 1}: CRUD ${Math.round(load.rate)}/s, client CPU ${load.clientCpuCores.toFixed(2)} cores`);
        continue;
      }
      watch.reset();
      let drainStarted = 0;
      // Service CPU over the load and until every capture is visible: the relay and projectors finish their share then.
      const systemProcesses = async () => [...services, ...(await databaseBackends(system.databaseUrl)), ...broker];
      const { result: load, cpuMs } = await cpuDuring(systemProcesses, async () => {
        const captured = await captureLoad(system.gatewayUrl, tokens, window, (answer) => watch.expect(BigInt(answer.position!)));
        drainStarted = performance.now();
        await watch.drain(120_000);
        return captured;
      });
      recordServiceCpu(results, stage, cpuMs, load.total);
      const visible = watch.latencies(load.from, load.to);
      results.record({ key: 'e2e.rate', stage, label: 'captures through the gateway', unit: 'captures/s', better: 'higher' }, load.rate);
      results.record({ key: 'e2e.answer-p50', stage, label: 'capture answer p50', unit: 'ms', better: 'lower' }, percentile(load.latencies, 50));
      results.record({ key: 'e2e.answer-p99', stage, label: 'capture answer p99', unit: 'ms', better: 'lower' }, percentile(load.latencies, 99));
      for (const p of [50, 95, 99]) {
        results.record({ key: `e2e.visible-p${p}`, stage, label: `answer -> visible in dream_summary p${p}`, unit: 'ms', better: 'lower' }, percentile(visible, p));
      }
      results.record({ key: 'e2e.client-cpu', stage, label: 'load generator CPU (system)', unit: 'cores', better: 'lower' }, load.clientCpuCores);
      context.log(
        `end-to-end run ${run + 1}: ${Math.round(load.rate)} captures/s, visible p50/p99 ${percentile(visible, 50).toFixed(0)}/${percentile(visible, 99).toFixed(0)} ms, ` +
          `drained in ${Math.round(performance.now() - drainStarted)} ms, client CPU ${load.clientCpuCores.toFixed(2)} cores`,
      );
    }
  }
  await recordPeakRss(results, [...services, { name: 'crud baseline', pid: crud.pid }]);

  results.ratio({ key: 'e2e.db-cpu-vs-crud', label: 'system / CRUD PostgreSQL CPU per capture', numerator: 'e2e.db-cpu', denominator: 'e2e.crud.db-cpu' });
  results.ratio({ key: 'e2e.cpu-vs-crud', label: 'system / CRUD service CPU per capture', numerator: 'e2e.cpu.all services', denominator: 'e2e.crud.cpu' });
  results.ratio({ key: 'e2e.vs-crud', label: 'system / CRUD captures', numerator: 'e2e.rate', denominator: 'e2e.crud' });
  results.goal({ key: 'goal.e2e-rate', label: 'end-to-end >= 1,500 captures/s', of: 'e2e.rate', op: '>=', target: 1500 });
  results.goal({ key: 'goal.e2e-visible', label: 'p99 answer -> visible <= 250 ms', of: 'e2e.visible-p99', op: '<=', target: 250 });
  results.goal({ key: 'goal.e2e-crud', label: 'end-to-end >= 0.5x the CRUD service', of: 'e2e.vs-crud', op: '>=', target: 0.5 });
}
