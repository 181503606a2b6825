/**
 * Stage 1: appends per second to our PostgreSQL store at 1, 8 and 32 concurrent writers,
 * beside a raw single-row INSERT of the same row and Emmett's PostgreSQL store appending
 * the same events. Every writer appends one event at a time to its own streams (20 events
 * each), checking the expected revision as the command service does; each of the three
 * gets a pool as large as its writer count; their order rotates from run to run. At 32
 * writers the audited store (encryption and hash chain on top, what the command service
 * appends through) is measured too.
 */
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { migrateAudit } from '@dreamcatcher/audit';
import { createEventStore, migrateEventStore } from '@dreamcatcher/event-store';
import { connectPostgres } from '@dreamcatcher/service-kit';
import { createTestDatabase } from '@dreamcatcher/service-kit/testing';
import { openAuditedStore } from './audited.js';
import { createRawTable, EVENTS_PER_STREAM, rawInsertRate } from './baselines.js';
import { fragmentCaptured } from './events.js';
import { closedLoop, type Window } from './measure.js';
import type { Results } from './results.js';
import type { StageContext } from './stage.js';

export const WRITER_COUNTS = [1, 8, 32] as const;

async function storeAppendRate(url: string, writers: number, window: Window, audited = false): Promise<number> {
  const pool = await connectPostgres({ url, max: writers, applicationName: 'bench-store' });
  const store = audited ? await openAuditedStore(url, pool, { migrate: false }) : await createEventStore({ kind: 'postgres', pool }, { migrate: false });
  const streams = Array.from({ length: writers }, () => randomUUID());
  try {
    const result = await closedLoop(writers, window, async (worker, n) => {
      if (n % EVENTS_PER_STREAM === 0) streams[worker] = randomUUID();
      const dreamId = streams[worker]!;
      await store.appendToStream(`dream-${dreamId}`, [fragmentCaptured(dreamId, 'bench-user', n)], { expectedRevision: BigInt((n % EVENTS_PER_STREAM) - 1) });
    });
    return result.rate;
  } finally {
    await store.close();
    await pool.end();
  }
}

async function emmettAppendRate(url: string, writers: number, window: Window): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: writers, application_name: 'bench-emmett' });
  const store = getPostgreSQLEventStore(url, { connectionOptions: { pool } });
  const streams = Array.from({ length: writers }, () => randomUUID());
  try {
    const result = await closedLoop(writers, window, async (worker, n) => {
      if (n % EVENTS_PER_STREAM === 0) streams[worker] = randomUUID();
      const dreamId = streams[worker]!;
      const event = fragmentCaptured(dreamId, 'bench-user', n);
      const revision = n % EVENTS_PER_STREAM;
      await store.appendToStream(`dream-${dreamId}`, [{ type: event.type, data: event.data as Record<string, unknown>, metadata: event.metadata }], {
        expectedStreamVersion: revision === 0 ? STREAM_DOES_NOT_EXIST : BigInt(revision),
      });
    });
    return result.rate;
  } finally {
    await store.close();
    await pool.end().catch(() => undefined);
  }
}

async function rawRate(url: string, writers: number, window: Window): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: writers, application_name: 'bench-raw' });
  try {
    return await rawInsertRate(pool, writers, window);
  } finally {
    await pool.end();
  }
}

export async function appendStage(context: StageContext, results: Results): Promise<void> {
  const database = await createTestDatabase('dc_bench_append');
  context.cleanup(() => database.drop());
  const setup = new pg.Pool({ connectionString: database.url, max: 1 });
  await createRawTable(setup);
  await migrateEventStore(setup);
  await setup.end();
  await migrateAudit(database.url);
  // Create both stores' schemas up front, so that no measured run pays for it.
  await storeAppendRate(database.url, 1, { warmupMs: 0, windowMs: 50 });
  await emmettAppendRate(database.url, 1, { warmupMs: 0, windowMs: 50 });

  const contenders = [
    { key: 'raw', label: 'raw single-row INSERT', baseline: true, rate: rawRate },
    { key: 'store', label: 'store append', baseline: false, rate: storeAppendRate },
    { key: 'emmett', label: 'Emmett append', baseline: true, rate: emmettAppendRate },
    // What the command service pays: the store under the audit layer (encryption, hash chain), at 32 writers only.
    { key: 'audited', label: 'audited store append', baseline: false, rate: (url: string, writers: number, window: Window) => storeAppendRate(url, writers, window, true), only: 32 },
  ];
  for (let run = 0; run < context.runs; run++) {
    for (const writers of WRITER_COUNTS) {
      for (let i = 0; i < contenders.length; i++) {
        const contender = contenders[(i + run) % contenders.length]!;
        if (contender.only !== undefined && contender.only !== writers) continue;
        const rate = await contender.rate(database.url, writers, context.window);
        results.record(
          { key: `append.${contender.key}.${writers}`, stage: '1 append', label: `${contender.label}, ${writers} writer${writers > 1 ? 's' : ''}`, unit: 'events/s', better: 'higher', baseline: contender.baseline },
          rate,
        );
        context.log(`append run ${run + 1}: ${contender.label} x${writers}: ${Math.round(rate)}/s`);
      }
    }
  }
  for (const writers of WRITER_COUNTS) {
    results.ratio({ key: `append.vs-raw.${writers}`, label: `store / raw INSERT, ${writers} writer${writers > 1 ? 's' : ''}`, numerator: `append.store.${writers}`, denominator: `append.raw.${writers}` });
    results.ratio({ key: `append.vs-emmett.${writers}`, label: `store / Emmett, ${writers} writer${writers > 1 ? 's' : ''}`, numerator: `append.store.${writers}`, denominator: `append.emmett.${writers}` });
  }
  results.ratio({ key: 'append.audited-vs-store.32', label: 'audited store / store, 32 writers', numerator: 'append.audited.32', denominator: 'append.store.32' });
  results.goal({ key: 'goal.append-raw', label: 'append >= 0.8x raw INSERT at 32 writers', of: 'append.vs-raw.32', op: '>=', target: 0.8 });
  results.goal({ key: 'goal.append-emmett', label: 'append >= Emmett at 32 writers', of: 'append.vs-emmett.32', op: '>=', target: 1 });
}
