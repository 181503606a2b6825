/**
 * Rebuilding read models from the event store, three ways:
 *
 * - `rebuildAndSwap`: blue-green. Fresh tables are built aside from `readAll` while the live
 *   ones keep serving. To switch, the rebuild takes each projection's advisory lock (which
 *   every live batch takes first, so the live projector pauses), reads the events appended
 *   meanwhile and applies them to the new tables, then moves the tables and sets the
 *   checkpoint in one transaction. The new tables then hold everything the live projector
 *   had applied; messages it receives afterwards for events already in them are repeats,
 *   which the stream trackers turn into no-ops.
 * - `verifyProjections`: the same build, up to each projection's live checkpoint (caught up
 *   under the lock), then a row-for-row comparison with the live tables; nothing is swapped.
 * - `rebuildUntil`: the read models as they were at a position, into another schema, for
 *   auditors. Nothing live is touched.
 *
 * The locking transaction only reads until the final swap, so it holds no transaction id
 * and never holds back readers of the store's global order; all bulk work commits in pages.
 */
import type pg from 'pg';
import { sleep, type Logger } from '@dreamcatcher/service-kit';
import { applyBatch } from '../runtime/apply-batch.js';
import { advanceCheckpoint, lockProjection, readCheckpoints } from '../runtime/checkpoints.js';
import { clearHoles } from '../runtime/holes.js';
import { fromRecorded, type ProjectionEvent } from '../runtime/events.js';
import { READ_MODELS_SCHEMA } from '../runtime/names.js';
import { currentPartitions, partitionHorizon, readPartitionCheckpoints, settlePartitionCheckpoints } from '../runtime/partitions/checkpoints.js';
import { partitionOf } from '../runtime/partitions/hash.js';
import type { Projection } from '../runtime/projection.js';
import { buildInto, DEFAULT_PAGE_SIZE, storeReader, type Progress, type RebuildStore } from './build.js';
import { compareTables, type TableDifference } from './compare.js';
import { createIndexes, createProjectionTables, dropAbandonedSchemas, dropSchema, setLogged, swapTables, temporarySchemaName } from './schema.js';

export interface RebuildOptions {
  pool: pg.Pool;
  store: RebuildStore;
  projections: Projection[];
  pageSize?: number;
  onProgress?: (progress: Progress) => void;
  logger?: Logger;
}

export interface RebuildReport {
  projections: string[];
  events: number;
  /** Checkpoint of the rebuilt projections (decimal string), null for an empty store. */
  position: string | null;
  seconds: number;
  schema: string;
}

export interface VerifyReport {
  identical: boolean;
  projections: { projection: string; position: string | null; differences: TableDifference[] }[];
}

/**
 * Another rebuild of the same projection holds this session lock; a second one is refused.
 * `work` gets the names of its temporary schemas (tied to this session, see schema.ts).
 */
async function exclusive<T>(pool: pg.Pool, projections: Projection[], work: (schemas: { staging: string; retired: string }) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    for (const projection of projections) {
      const { rows } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock(hashtext('dreamcatcher.rebuild.' || $1)) AS ok", [projection.name]);
      if (!rows[0]!.ok) throw new Error(`a rebuild of ${projection.name} is already running`);
    }
    await dropAbandonedSchemas(client);
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return await work({ staging: temporarySchemaName('rebuild', rows[0]!.pid), retired: temporarySchemaName('retired', rows[0]!.pid) });
  } finally {
    await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
    client.release();
  }
}

/**
 * Every event after `after` to the end of the store, and at least up to `atLeast`: the store
 * returns nothing above the oldest transaction still running anywhere in the cluster, so an
 * event a live projector has already applied may take a moment to become readable here.
 * Read outside any writing transaction, so this one holds nothing back itself.
 */
async function readTail(store: RebuildStore, after: bigint | undefined, atLeast: bigint, pageSize: number, timeoutMs = 30_000): Promise<ProjectionEvent[]> {
  const events: ProjectionEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  let cursor = after;
  for (;;) {
    const page = await store.readAll({ ...(cursor !== undefined && { after: cursor }), maxCount: pageSize });
    events.push(...page.events.map(fromRecorded));
    cursor = page.lastPosition;
    if (!page.isEnd) continue;
    if ((cursor ?? -1n) >= atLeast) return events;
    if (Date.now() > deadline) throw new Error(`the event store does not return events up to position ${atLeast} (a long transaction holds its readers back)`);
    await sleep(50);
  }
}

/** Waits until the store can return every event up to `position` (or gives up after `timeoutMs` and builds what it can). */
async function waitForHead(store: RebuildStore, position: bigint, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await store.headPosition()) < position && Date.now() < deadline) await sleep(50);
}

async function applyCommitted(pool: pg.Pool, store: RebuildStore, projections: Projection[], schema: string, events: (projection: Projection) => ProjectionEvent[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (const projection of projections) await applyBatch(client, projection, events(projection), { schema, readStream: storeReader(store), notify: false });
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Runs `work` in a transaction holding every projection's advisory lock (the live projectors wait). */
async function withProjectorsPaused<T>(pool: pg.Pool, projections: Projection[], work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Always in name order, so two lockers can never deadlock.
    for (const name of projections.map((projection) => projection.name).sort()) await lockProjection(client, name);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function rangeFrom(projections: Projection[], after: bigint | undefined, until: bigint | undefined) {
  return { after: new Map(projections.map((p) => [p.name, after])), until: new Map(projections.map((p) => [p.name, until])) };
}

/** Rebuilds `projections` from the store into fresh tables and swaps them in (blue-green). */
export async function rebuildAndSwap(options: RebuildOptions): Promise<RebuildReport> {
  const { pool, store, projections, pageSize = DEFAULT_PAGE_SIZE, logger } = options;
  const started = performance.now();
  return exclusive(pool, projections, async ({ staging, retired }) => {
    try {
      await withClient(pool, (client) => createProjectionTables(client, staging, projections, { deferIndexes: true, unlogged: true }));
      const built = await buildInto(pool, store, projections, staging, rangeFrom(projections, undefined, undefined), { pageSize, ...(options.onProgress && { onProgress: options.onProgress }) });
      await withClient(pool, async (client) => {
        await setLogged(client, staging, projections);
        await createIndexes(client, staging, projections);
      });
      logger?.info('rebuilt aside, switching', { projections: projections.map((p) => p.name), events: built.events });
      const final = await withProjectorsPaused(pool, projections, async (client) => {
        const live = await readCheckpoints(client);
        // A partition may be ahead of its projection's checkpoint (the lowest of its partitions').
        const partitions = (await readPartitionCheckpoints(client)).filter((row) => projections.some((p) => p.name === row.projection));
        const atLeast = [...projections.map((p) => live[p.name] ?? -1n), ...partitions.map((row) => row.position)].reduce((max, position) => (position > max ? position : max), -1n);
        const tail = await readTail(store, built.position, atLeast, pageSize);
        await applyCommitted(pool, store, projections, staging, () => tail);
        const position = tail.at(-1)?.position ?? built.position;
        await swapTables(client, projections, { live: READ_MODELS_SCHEMA, staging, retired });
        // Every event was applied to the new tables: nothing the old ones skipped is missing.
        for (const projection of projections) await clearHoles(client, READ_MODELS_SCHEMA, projection.name);
        if (position !== undefined) {
          for (const projection of projections) {
            // Partitions first: which partitioning is current is judged against the projection's row as it was.
            await settlePartitionCheckpoints(client, projection.name, position);
            await advanceCheckpoint(client, READ_MODELS_SCHEMA, projection.name, position, { notify: true });
          }
        }
        return { position, events: built.events + tail.length };
      });
      return {
        projections: projections.map((p) => p.name),
        events: final.events,
        position: final.position?.toString() ?? null,
        seconds: (performance.now() - started) / 1_000,
        schema: READ_MODELS_SCHEMA,
      };
    } finally {
      await dropSchema(pool, retired);
      await dropSchema(pool, staging);
    }
  });
}

/** Rebuilds aside up to each projection's live checkpoint and reports every difference from the live tables. */
export async function verifyProjections(options: RebuildOptions): Promise<VerifyReport> {
  const { pool, store, projections, pageSize = DEFAULT_PAGE_SIZE } = options;
  return exclusive(pool, projections, async ({ staging }) => {
    try {
      // Compared by full scans only: secondary indexes would just slow the build down.
      await withClient(pool, (client) => createProjectionTables(client, staging, projections, { deferIndexes: true, unlogged: true }));
      const before = await readCheckpoints(pool);
      const until = new Map(projections.map((p) => [p.name, before[p.name] ?? 0n]));
      const built = await buildInto(pool, store, projections, staging, { after: new Map(), until }, { pageSize, ...(options.onProgress && { onProgress: options.onProgress }) });
      // How far each copy got: the build may stop short of its target while the store holds events back.
      const reached = built.position ?? -1n;
      const done = new Map(projections.map((p) => [p.name, reached < until.get(p.name)! ? reached : until.get(p.name)!]));
      return await withProjectorsPaused(pool, projections, async (client) => {
        // Under the lock the live checkpoints stand still: catch the copies up to them, then compare.
        const now = await readCheckpoints(client);
        const target = (p: Projection) => now[p.name] ?? -1n;
        // A partitioned projection has applied each stream up to its partition's checkpoint.
        const current = await currentPartitions(client);
        const horizons = new Map<string, ((streamId: string) => bigint) | undefined>(projections.map((p) => [p.name, partitionHorizon(current.get(p.name), partitionOf, target(p))]));
        const until = (p: Projection, event: ProjectionEvent) => horizons.get(p.name)?.(event.streamId) ?? target(p);
        const partitions = projections.flatMap((p) => current.get(p.name) ?? []);
        const from = projections.reduce((min, p) => (done.get(p.name)! < min ? done.get(p.name)! : min), reached);
        const atLeast = [...projections.map(target), ...partitions.map((row) => row.position)].reduce((max, position) => (position > max ? position : max), -1n);
        const tail = await readTail(store, from < 0n ? undefined : from, atLeast, pageSize);
        await applyCommitted(pool, store, projections, staging, (p) => tail.filter((event) => event.position > done.get(p.name)! && event.position <= until(p, event)));
        const report: VerifyReport = { identical: true, projections: [] };
        for (const projection of projections) {
          const differences = await compareTables(client, projection, READ_MODELS_SCHEMA, staging);
          if (differences.length) report.identical = false;
          report.projections.push({ projection: projection.name, position: now[projection.name]?.toString() ?? null, differences });
        }
        return report;
      });
    } finally {
      await dropSchema(pool, staging);
    }
  });
}

/** Builds `projections` as they were at `until` (inclusive) into `into`, for auditors; the live tables are untouched. */
export async function rebuildUntil(options: RebuildOptions & { until: bigint; into: string; waitMs?: number }): Promise<RebuildReport> {
  const { pool, store, projections, pageSize = DEFAULT_PAGE_SIZE, until, into, waitMs = 10_000 } = options;
  if (into === READ_MODELS_SCHEMA) throw new Error(`--into must name a schema other than ${READ_MODELS_SCHEMA}`);
  const started = performance.now();
  await waitForHead(store, until, waitMs);
  await withClient(pool, (client) => createProjectionTables(client, into, projections, { deferIndexes: true, unlogged: true }));
  const built = await buildInto(pool, store, projections, into, rangeFrom(projections, undefined, until), { pageSize, ...(options.onProgress && { onProgress: options.onProgress }) });
  await withClient(pool, async (client) => {
    await setLogged(client, into, projections);
    await createIndexes(client, into, projections);
  });
  return { projections: projections.map((p) => p.name), events: built.events, position: built.position?.toString() ?? null, seconds: (performance.now() - started) / 1_000, schema: into };
}

async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await work(client);
  } finally {
    client.release();
  }
}
