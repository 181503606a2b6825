/**
 * The projector service. `PROJECTIONS=dream_summary,dream_detail` (default: all) selects
 * which projections this process runs; each consumes its own queue on its own channel of
 * one broker connection. Ops endpoints on PORT (default 8083): `/ready` when the broker is
 * connected, the database answers and every projection of the process is at most
 * PROJECTOR_READY_MAX_LAG_SECONDS behind the store head (a lag marked `behind`, which the
 * gateway does not count against its own readiness), and degraded (`whole`, also marked
 * `behind`) while a projection has skipped a dead-lettered event (runtime/holes.ts).
 *
 * Partitioned (see runtime/partitions/): `PROJECTION_PARTITIONS` (`N`, or `name=N,...`) splits
 * a projection over N queues by stream; `PROJECTION_PARTITION_INDEX` is this replica's own
 * partition, and it stands by for the others after `PROJECTION_STANDBY_DELAY_MS`; a partition it
 * took over goes back to its own replica, once that runs again, within `PROJECTION_HAND_BACK_MS`.
 */
import {
  type ChannelModel,
  closeServer,
  connectAmqp,
  connectionGauges,
  connectPostgres,
  createMetricsRegistry,
  loadConfig,
  parsePartitionCounts,
  PROJECTION_NAMES,
  readCommonConfig,
  runService,
  startOpsServer,
} from '@dreamcatcher/service-kit';
import { migrateReadModels } from './migrations.js';
import { selectProjections } from './registry.js';
import { storeReader } from './rebuild/build.js';
import { openEventStore, readStoreConfig } from './store.js';
import { readCheckpoints } from './runtime/checkpoints.js';
import { surviveConnectionLoss } from './runtime/connection-loss.js';
import { Projector } from './runtime/consumer.js';
import { describeLag } from './runtime/lag.js';
import { holesGauge } from './runtime/holes.js';
import { READ_MODELS_SCHEMA } from './runtime/names.js';
import { createProjectorMetrics, projectionLagGauges } from './runtime/metrics.js';
import { startHandBack } from './runtime/partitions/hand-back.js';
import { attachInOrder, consumersOf } from './runtime/partitions/replicas.js';

await runService('projector', async (service, logger) => {
  const config = loadConfig((env) => {
    const projections = env.list('PROJECTIONS', [...PROJECTION_NAMES]);
    const unknown = projections.filter((name) => !(PROJECTION_NAMES as readonly string[]).includes(name));
    if (unknown.length) env.problem(`PROJECTIONS has unknown projection(s) ${unknown.join(', ')}; known: ${PROJECTION_NAMES.join(', ')}`);
    let partitions = new Map<string, number>();
    try {
      partitions = parsePartitionCounts(env.optional('PROJECTION_PARTITIONS'), projections);
    } catch (error) {
      env.problem((error as Error).message);
    }
    const index = env.optional('PROJECTION_PARTITION_INDEX');
    if (index !== undefined && !/^(0|[1-9][0-9]{0,5})$/.test(index)) env.problem(`PROJECTION_PARTITION_INDEX must be a whole number (this replica's partition), got "${index}"`);
    return {
      ...readCommonConfig(env, 'projector'),
      ...readStoreConfig(env),
      port: env.int('PORT', 8083, { min: 0, max: 65535 }),
      host: env.string('HOST', '127.0.0.1'),
      projections,
      batchSize: env.int('PROJECTOR_BATCH_SIZE', 250, { min: 1, max: 10_000 }),
      prefetch: env.int('PROJECTOR_PREFETCH', 500, { min: 1, max: 65_535 }),
      lingerMs: env.int('PROJECTOR_LINGER_MS', 0, { min: 0, max: 1_000 }),
      retryAttempts: env.int('PROJECTOR_RETRY_ATTEMPTS', 4, { min: 1, max: 100 }),
      retryDelayMs: env.int('PROJECTOR_RETRY_DELAY_MS', 100, { min: 1, max: 60_000 }),
      readyMaxLagSeconds: env.int('PROJECTOR_READY_MAX_LAG_SECONDS', 30, { min: 1, max: 86_400 }),
      partitions,
      partitionIndex: index === undefined ? undefined : Number(index),
      standbyDelayMs: env.int('PROJECTION_STANDBY_DELAY_MS', 5_000, { min: 0, max: 600_000 }),
      handBackMs: env.int('PROJECTION_HAND_BACK_MS', 30_000, { min: 100, max: 3_600_000 }),
    };
  });
  const projections = selectProjections(config.projections);
  const names = projections.map((projection) => projection.name).join(',');

  await migrateReadModels(config.databaseUrl, logger);
  const pool = await connectPostgres({ url: config.databaseUrl, max: projections.reduce((sum, projection) => sum + (config.partitions.get(projection.name) ?? 1), 0) + 4, applicationName: `projector:${names}` }, logger);
  surviveConnectionLoss(pool, logger);
  service.onShutdown(() => pool.end());
  const store = await openEventStore(config, pool, logger);
  service.onShutdown(() => store.close());

  const metrics = createMetricsRegistry('projector');
  const projectorMetrics = createProjectorMetrics(metrics);
  const consumers = projections.flatMap((projection) =>
    consumersOf(projection, { count: config.partitions.get(projection.name) ?? 1, index: config.partitionIndex, logger }, {
      prefetch: config.prefetch,
      batchSize: Math.min(config.batchSize, config.prefetch),
      lingerMs: config.lingerMs,
      retry: { attempts: config.retryAttempts, initialDelayMs: config.retryDelayMs, maxDelayMs: config.retryDelayMs * 20 },
    }).map(({ options, standby }) => ({ projector: new Projector({ pool, readStream: storeReader(store), logger, metrics: projectorMetrics }, options), standby, queue: options.queue.queue, partition: options.partition })),
  );
  const projectors = consumers.map((consumer) => consumer.projector);

  let broker: ChannelModel | undefined;
  const amqp = await connectAmqp({
    url: config.amqpUrl,
    connectionName: `projector:${names}`,
    logger,
    setup: (connection) => {
      broker = connection;
      return attachInOrder(connection, consumers, { standbyDelayMs: config.standbyDelayMs, logger });
    },
  });
  service.onShutdown(() => amqp.close());
  service.onShutdown(() => Promise.all(projectors.map((projector) => projector.stop())));
  if (config.partitionIndex !== undefined && consumers.some((consumer) => consumer.partition)) {
    const handBack = startHandBack({
      databaseUrl: config.databaseUrl,
      pool,
      own: consumers.flatMap(({ partition, standby }) => (partition && !standby ? [partition] : [])),
      standby: consumers.flatMap(({ projector, partition, standby }) => (partition && standby ? [{ projector, partition }] : [])),
      connection: () => broker!,
      intervalMs: config.handBackMs,
      logger,
    });
    service.onShutdown(() => handBack.stop());
  }

  connectionGauges(metrics, { database: () => pool.query('SELECT 1'), broker: () => amqp.connected });
  const lag = projectionLagGauges(
    metrics,
    {
      store,
      checkpoints: async () => new Map(Object.entries(await readCheckpoints(pool))),
      onError: (error) => logger.warn('could not measure projection lag', { error: error.message }),
    },
    projections.map((projection) => projection.name),
  );
  const caughtUp = async () => {
    const behind = [...(await lag())].filter(([, { seconds }]) => seconds > config.readyMaxLagSeconds);
    if (!behind.length) return { ok: true };
    const detail = `${behind.map(([projection, value]) => describeLag(projection, value)).join('; ')} (threshold ${config.readyMaxLagSeconds} s)`;
    return { ok: false, behind: true, detail };
  };

  const server = await startOpsServer({
    service: 'projector',
    port: config.port,
    host: config.host,
    logger,
    metrics,
    checks: {
      broker: () => ({ ok: amqp.connected, ...(!amqp.connected && { detail: 'not connected to RabbitMQ' }) }),
      database: async () => {
        await pool.query('SELECT 1');
        return { ok: true };
      },
      caughtUp,
      whole: holesGauge(metrics, pool, READ_MODELS_SCHEMA, projections.map((projection) => projection.name)),
    },
  });
  service.onShutdown(() => closeServer(server));
  const partitioned = [...config.partitions].map(([name, count]) => `${name}=${count}`).join(',');
  logger.info('projector started', { projections: names, port: config.port, ...(partitioned && { partitions: partitioned, partitionIndex: config.partitionIndex ?? 'all' }) });
});
