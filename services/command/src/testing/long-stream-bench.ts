/**
 * What a command costs on a long dream, with and without the stream cache: one dream of
 * 800 events (a capture and 799 fragments, five personal fields each, as the extension
 * makes them), then commands on it from two command services on the same store, one with
 * the cache and one without, alternating so that both see the same machine. Prints the
 * p50 and p95 of each, in ms.
 *
 *   node --conditions=dreamcatcher-source --import tsx services/command/src/testing/long-stream-bench.ts [events] [rounds]
 */
import { createAuditedStore, migrateAudit, PostgresDataKeys } from '@dreamcatcher/audit';
import { randomBytes } from 'node:crypto';
import { createEventStore } from '@dreamcatcher/event-store';
import { connectPostgres, createLogger, createMetricsRegistry, migrate } from '@dreamcatcher/service-kit';
import { createTestDatabase } from '@dreamcatcher/service-kit/testing';
import { createCommandService } from '../http/app.js';
import { commandMigrations } from '../idempotency/schema.js';

const events = Number(process.argv[2] ?? 800);
const rounds = Number(process.argv[3] ?? 40);

const database = await createTestDatabase('dc_bench_stream');
try {
  await migrate({ url: database.url, owner: 'commands', migrations: commandMigrations });
  await migrateAudit(database.url);
  const pool = await connectPostgres({ url: database.url, max: 4 });
  const store = createAuditedStore(await createEventStore({ kind: 'postgres', pool }), { keys: new PostgresDataKeys(pool, { masterKey: randomBytes(32) }) });
  const service = (streamCache?: false) =>
    createCommandService({ store, pool, logger: createLogger({ service: 'bench', level: 'error' }), metrics: createMetricsRegistry('bench'), token: 'bench', ...(streamCache === false && { streamCache }) });
  const cached = service();
  const uncached = service(false);
  const metadata = { userId: 'bench-user', roles: ['user'] };
  const fragment = (i: number) => ({ title: `Fragment ${i}`, content: `A conversation about step ${i} of the plan. `.repeat(20), source: 'claude' });
  const run = async (handler: typeof cached, type: string, data: unknown) => {
    const started = performance.now();
    const outcome = await handler.handleCommand({ type, data, metadata });
    if (outcome.status >= 300) throw new Error(`${type} answered ${outcome.status}: ${JSON.stringify(outcome.body)}`);
    return { ms: performance.now() - started, body: outcome.body as { dreamId: string } };
  };

  const { body } = await run(cached, 'CaptureFragment', { dreamTitle: 'A long dream', brand: 'bc-studio', fragment: fragment(0) });
  for (let i = 1; i < events; i++) await run(cached, 'CaptureFragment', { dreamId: body.dreamId, fragment: fragment(i) });

  const timings = { cached: [] as number[], uncached: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    timings.uncached.push((await run(uncached, 'AddTodo', { dreamId: body.dreamId, title: `Uncached ${i}` })).ms);
    timings.cached.push((await run(cached, 'AddTodo', { dreamId: body.dreamId, title: `Cached ${i}` })).ms);
  }
  const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!.toFixed(1);
  for (const [name, values] of Object.entries(timings)) console.log(`${name}: p50 ${quantile(values, 0.5)} ms, p95 ${quantile(values, 0.95)} ms (${rounds} commands on ${events} to ${events + 2 * rounds} events)`);
  await pool.end();
} finally {
  await database.drop();
}
