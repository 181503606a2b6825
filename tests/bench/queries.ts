/**
 * Stage 5: `GET /dreams` (first page, 20 items) through the gateway with 64 concurrent
 * keep-alive clients, each request as a random one of the 1,000 seeded users (100 dreams
 * each), against the read models a rebuild made from the seeded events. The gateway runs
 * alone, as its own process; every answer is checked to be a page of the caller's dreams.
 */
import { SignJWT } from 'jose';
import { DEVELOPMENT_ENV } from '../../scripts/system.mjs';
import { freePort } from '../support/system.js';
import { HttpClient } from './http-client.js';
import { closedLoop, percentile } from './measure.js';
import { recordPeakRss } from './memory.js';
import { cpuDuring, databaseBackends, restartProfiles, SERVICE_NODE_OPTIONS, startService } from './processes.js';
import { rebuildProjections } from './rebuild.js';
import type { Results } from './results.js';
import { seededDatabase, userOf } from './seed.js';
import type { StageContext } from './stage.js';

export const QUERY_CLIENTS = 64;

export async function queryStage(context: StageContext, results: Results): Promise<void> {
  const stage = '5 queries';
  const data = await seededDatabase(context, results);
  if (!data.projected) {
    context.log('building the read models from the seeded events');
    await rebuildProjections(data);
  }
  const gateway = await startService('gateway', 'gateway/src/main.ts', {
    DATABASE_URL: data.url,
    JWT_SECRET: DEVELOPMENT_ENV.JWT_SECRET,
    COMMAND_SERVICE_URL: 'http://127.0.0.1:9',
    OPS_PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '100000000',
    NODE_OPTIONS: SERVICE_NODE_OPTIONS,
  }, await freePort());
  context.cleanup(() => gateway.stop());

  const secret = new TextEncoder().encode(DEVELOPMENT_ENV.JWT_SECRET);
  const tokens = await Promise.all(
    Array.from({ length: data.users }, (_, n) => new SignJWT({ roles: ['user'] }).setProtectedHeader({ alg: 'HS256' }).setSubject(userOf(n)).setIssuedAt().setExpirationTime('1h').sign(secret)),
  );
  const perUser = Math.min(20, data.dreams / data.users);
  const client = new HttpClient(gateway.url, QUERY_CLIENTS);
  try {
    // Unmeasured first, so that the first run does not pay for compiling the hot path and filling the pool.
    await closedLoop(QUERY_CLIENTS, { warmupMs: 0, windowMs: context.quick ? 1_000 : 3_000 }, async () => {
      await client.json('GET', '/api/v1/dreams', [200], { headers: { authorization: `Bearer ${tokens[0]!}` } });
    });
    restartProfiles([gateway.pid]);
    for (let run = 0; run < context.runs; run++) {
      const processes = async () => [{ name: 'gateway', pid: gateway.pid }, ...(await databaseBackends(data.url))];
      const { result: load, cpuMs } = await cpuDuring(processes, () =>
        closedLoop(QUERY_CLIENTS, context.window, async () => {
          const token = tokens[Math.floor(Math.random() * tokens.length)]!;
          const page = await client.json<{ items: unknown[] }>('GET', '/api/v1/dreams', [200], { headers: { authorization: `Bearer ${token}` } });
          if (page.items.length !== perUser) throw new Error(`a page of ${page.items.length} dreams, expected ${perUser}`);
        }),
      );
      results.record({ key: 'dreams.cpu', stage, label: 'gateway CPU per GET /dreams', unit: 'ms CPU', better: 'lower' }, cpuMs.get('gateway')! / load.total);
      results.record({ key: 'dreams.db-cpu', stage, label: 'PostgreSQL CPU per GET /dreams', unit: 'ms CPU', better: 'lower' }, (cpuMs.get('postgres') ?? 0) / load.total);
      results.record({ key: 'dreams.rate', stage, label: `GET /dreams, ${QUERY_CLIENTS} clients`, unit: 'requests/s', better: 'higher' }, load.rate);
      results.record({ key: 'dreams.p50', stage, label: 'GET /dreams p50', unit: 'ms', better: 'lower' }, percentile(load.latencies, 50));
      results.record({ key: 'dreams.p99', stage, label: 'GET /dreams p99', unit: 'ms', better: 'lower' }, percentile(load.latencies, 99));
      results.record({ key: 'dreams.client-cpu', stage, label: 'load generator CPU (queries)', unit: 'cores', better: 'lower' }, load.clientCpuCores);
      context.log(
        `queries run ${run + 1}: ${Math.round(load.rate)} requests/s, p50 ${percentile(load.latencies, 50).toFixed(1)} ms, p99 ${percentile(load.latencies, 99).toFixed(1)} ms, client CPU ${load.clientCpuCores.toFixed(2)} cores`,
      );
    }
  } finally {
    client.close();
  }
  await recordPeakRss(results, [{ name: 'gateway', pid: gateway.pid }], '.queries');
  results.goal({ key: 'goal.dreams-p99', label: 'GET /dreams p99 <= 20 ms at 64 clients', of: 'dreams.p99', op: '<=', target: 20 });
}
