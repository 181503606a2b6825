/**
 * A relay and N replicas of a partitioned projector, each a real process running its
 * TypeScript sources (scripts/system.mjs), on a fresh database and RabbitMQ vhost, with the
 * audited event store opened in the test process to write the workload.
 */
import pg from 'pg';
import { createAuditedStore, DEVELOPMENT_DATA_KEY_ENCRYPTION_KEY, migrateAudit, PostgresDataKeys } from '@dreamcatcher/audit';
import { createEventStore, type EventStore } from '@dreamcatcher/event-store';
import { migrateReadModels } from '@dreamcatcher/projections';
import { createTestDatabase, createTestVhost, eventually, type TestResource } from '@dreamcatcher/service-kit/testing';
import { DEVELOPMENT_ENV, startSystem, waitForReady, type RunningSystem, type ServicePlan } from '../../scripts/system.mjs';
import { freePort } from '../support/system.js';

export interface ScaleCluster {
  databaseUrl: string;
  amqpUrl: string;
  pool: pg.Pool;
  /** The raw store (for reads the test checks against) and the audited one (for writes). */
  raw: EventStore;
  store: EventStore;
  keys: PostgresDataKeys;
  running: RunningSystem;
  /** Every line each process wrote. */
  logs: Map<string, string[]>;
  replica(index: number): string;
  /** Waits until a (re)started process answers /ready. */
  ready(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  projections: string[];
  partitions: number;
  replicas: number;
  /** Extra environment of every process. */
  env?: Record<string, string>;
  /** Longer than the replicas' start-up skew, so that each is the first to subscribe its own partition. */
  standbyDelayMs?: number;
}

export async function startCluster({ projections, partitions, replicas, env = {}, standbyDelayMs = 8_000 }: ClusterOptions): Promise<ScaleCluster> {
  const database: TestResource = await createTestDatabase('dc_scale');
  const vhost: TestResource = await createTestVhost('dc_scale');
  await migrateAudit(database.url);
  await migrateReadModels(database.url);
  const pool = new pg.Pool({ connectionString: database.url, max: 12 });
  pool.on('error', () => undefined);
  const raw = await createEventStore({ kind: 'postgres', pool });
  const keys = new PostgresDataKeys(pool, { masterKey: Buffer.from(DEVELOPMENT_DATA_KEY_ENCRYPTION_KEY, 'base64'), cacheTtlMs: 1_000 });
  const store = createAuditedStore(raw, { keys });

  const shared = { ...DEVELOPMENT_ENV, DATABASE_URL: database.url, AMQP_URL: vhost.url, LOG_LEVEL: 'info', DATA_KEY_CACHE_TTL_MS: '1000', PROJECTION_HAND_BACK_MS: '1000', ...env };
  const counts = projections.map((name) => `${name}=${partitions}`).join(',');
  const local = (port: number) => `http://127.0.0.1:${port}`;
  const relayPort = await freePort();
  const plan: ServicePlan[] = [{ name: 'relay', entry: 'services/relay/src/main.ts', env: { ...shared, PORT: String(relayPort), PROJECTION_PARTITIONS: counts }, url: local(relayPort) }];
  for (let index = 0; index < replicas; index++) {
    const port = await freePort();
    plan.push({
      name: `projector-${index}`,
      entry: 'projections/src/main.ts',
      env: { ...shared, PORT: String(port), PROJECTIONS: projections.join(','), PROJECTION_PARTITIONS: String(partitions), PROJECTION_PARTITION_INDEX: String(index), PROJECTION_STANDBY_DELAY_MS: String(standbyDelayMs) },
      url: local(port),
    });
  }
  const logs = new Map<string, string[]>();
  const running = startSystem(plan, {
    mode: 'source',
    stdio: 'pipe',
    onOutput: (name, text) => {
      const lines = logs.get(name) ?? [];
      lines.push(...text.split('\n').filter(Boolean));
      logs.set(name, lines);
    },
  });
  const stop = async () => {
    await running.stop();
    await store.close();
    await pool.end();
    await database.drop();
    await vhost.drop();
  };
  try {
    await Promise.all(plan.map((service) => waitForReady(`${service.url}/ready`, { timeoutMs: 90_000 })));
    // Every replica stands by on the partitions that are not its own.
    const standing = () => plan.filter((service) => service.name.startsWith('projector-')).every((service) => (logs.get(service.name) ?? []).some((line) => line.includes('"standing by"')));
    await eventually(standing, { timeoutMs: standbyDelayMs + 30_000, intervalMs: 200, what: 'every replica to stand by on the other partitions' });
  } catch (error) {
    const tail = [...logs.entries()].map(([name, lines]) => `--- ${name}\n${lines.slice(-15).join('\n')}`).join('\n');
    await stop();
    throw new Error(`${(error as Error).message}\n${tail}`);
  }
  const ready = (name: string) => waitForReady(`${plan.find((service) => service.name === name)!.url}/ready`, { timeoutMs: 90_000 });
  return { databaseUrl: database.url, amqpUrl: vhost.url, pool, raw, store, keys, running, logs, replica: (index) => `projector-${index}`, ready, stop };
}

/** The queues a process reported it started receiving from (its first delivery on each: it became the active consumer). */
export function consumedQueues(lines: readonly string[]): string[] {
  return lines.flatMap((line) => {
    try {
      const entry = JSON.parse(line) as { message?: string; queue?: string };
      return entry.message === 'consuming' && entry.queue ? [entry.queue] : [];
    } catch {
      return [];
    }
  });
}
