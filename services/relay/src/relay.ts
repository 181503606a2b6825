/**
 * The relay: follows the event store's global order from its checkpoint and publishes each
 * event to `dreamcatcher.events`, at least once and never skipping (see publish-loop.ts),
 * while only one relay of a name is active at a time (see leader-lock.ts).
 */
import {
  type AmqpClient,
  type CheckResult,
  connectAmqp,
  connectionGauges,
  type Logger,
  type PartitionCounts,
  type Pool,
  PROJECTION_NAMES,
  type Registry,
} from '@dreamcatcher/service-kit';
import type { EventStore } from '@dreamcatcher/event-store';
import { migrateRelay, readCheckpoint } from './checkpoint/checkpoints.js';
import { runForLeadership, type LeaderState } from './leadership/leader-lock.js';
import { createRelayMetrics } from './metrics.js';
import type { ConfirmPipeline } from './publishing/confirm-pipeline.js';
import { PublishLoop } from './publishing/publish-loop.js';
import { declareTopology } from './topology/declare.js';

export interface RelayOptions {
  store: EventStore;
  /** Pool on the database holding the `relay` schema (reads the checkpoint for the lag metrics). */
  pool: Pool;
  /** The same database, for migrations and the lock's own session (never a pooled connection). */
  databaseUrl: string;
  amqpUrl: string;
  logger: Logger;
  metrics: Registry;
  /** Aborting stops the relay, as `stop()` does. */
  signal?: AbortSignal;
  /** Checkpoint and lock name (default `main`). */
  name?: string;
  /** Unconfirmed messages allowed at once (default 500). */
  maxInFlight?: number;
  /** How often a standby tries the lock, and the leader checks its session (default 1000 ms). */
  lockRetryMs?: number;
  /** Queues to declare (default: every projection), so nothing published is unroutable. */
  projections?: readonly string[];
  /** Partitions per projection (`PROJECTION_PARTITIONS`): a partitioned projection gets its N partition queues instead of its one. */
  partitions?: PartitionCounts;
  /** Until this instant every event is also published in its previous schema versions (`RELAY_PUBLISH_PREVIOUS_VERSIONS_UNTIL`). */
  previousVersionsUntil?: Date | undefined;
}

export interface Relay {
  readonly state: LeaderState;
  /** For `/ready`: broker connected, and either publishing as leader or standing by. */
  readiness(): CheckResult;
  /** Stops publishing, saves the checkpoint, releases the lock and closes the broker connection. */
  stop(): Promise<void>;
}

export async function startRelay(options: RelayOptions): Promise<Relay> {
  const name = options.name ?? 'main';
  const projections = options.projections ?? PROJECTION_NAMES;
  const partitions = options.partitions ?? new Map<string, number>();
  const logger = options.logger;
  await migrateRelay(options.databaseUrl, logger);

  const stopping = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stopping.signal]) : stopping.signal;
  let state: LeaderState = 'connecting';
  let pipeline: ConfirmPipeline | undefined;
  let lastConfirmed: { position: bigint; occurredAt: string } | undefined;

  const metrics = createRelayMetrics(options.metrics, {
    inFlight: () => pipeline?.inFlight ?? 0,
    leader: () => state === 'leader',
    lag: async () => {
      const [head, saved] = await Promise.all([options.store.headPosition(), readCheckpoint(options.pool, name)]);
      // The leader knows confirms not yet written; a standby reads the leader's checkpoint.
      const leading = state === 'leader' && lastConfirmed !== undefined;
      const checkpoint = leading && (saved === undefined || lastConfirmed!.position > saved) ? lastConfirmed!.position : (saved ?? 0n);
      const positions = head > checkpoint ? head - checkpoint : 0n;
      const seconds = positions > 0n && leading ? Math.max(0, (Date.now() - Date.parse(lastConfirmed!.occurredAt)) / 1000) : 0;
      return { positions, seconds };
    },
  });

  let loop: PublishLoop | undefined;
  const amqp: AmqpClient = await connectAmqp({
    url: options.amqpUrl,
    connectionName: `dreamcatcher-relay:${name}`,
    logger,
    setup: async (connection) => {
      const channel = await connection.createChannel();
      await declareTopology(channel, projections, partitions);
      await channel.close();
    },
    onDisconnect: (error) => loop?.interrupt(error),
  });
  connectionGauges(options.metrics, { database: () => options.pool.query('SELECT 1'), broker: () => amqp.connected });

  loop = new PublishLoop({
    name,
    store: options.store,
    amqp,
    logger,
    metrics,
    maxInFlight: options.maxInFlight ?? 500,
    projections,
    partitions,
    stopping: signal,
    onPipeline: (current) => (pipeline = current),
    onConfirmedThrough: (position, occurredAt) => (lastConfirmed = { position, occurredAt }),
    versions: { previousVersionsUntil: options.previousVersionsUntil },
  });
  const publishLoop = loop;

  const leadership = runForLeadership({
    databaseUrl: options.databaseUrl,
    name,
    logger,
    signal,
    retryMs: options.lockRetryMs ?? 1_000,
    heartbeatMs: options.lockRetryMs ?? 1_000,
    onState: (next) => {
      if (next !== state) logger.info('relay state', { state: next });
      state = next;
    },
    lead: (term) => publishLoop.run(term),
  });

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopping.abort(new Error('relay stopping'));
      await leadership;
      await amqp.close();
    })());
  options.signal?.addEventListener('abort', () => void stop(), { once: true });

  return {
    get state() {
      return state;
    },
    readiness(): CheckResult {
      if (!amqp.connected) return { ok: false, detail: 'broker not connected' };
      if (state === 'standby') return { ok: true, detail: 'standing by (another relay holds the lock)' };
      if (state === 'leader' && pipeline) return { ok: true, detail: 'publishing' };
      return { ok: false, detail: state === 'leader' ? 'leader, not publishing yet' : state };
    },
    stop,
  };
}
