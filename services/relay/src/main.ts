/**
 * The relay process: `node dist/main.js` (PORT 8082 serves /health, /ready, /metrics only).
 * Config: DATABASE_URL, AMQP_URL, EVENT_STORE (+ EVENTSTORE_CONNECTION_STRING), RELAY_NAME
 * (checkpoint and lock name), RELAY_MAX_IN_FLIGHT, RELAY_LOCK_RETRY_MS,
 * RELAY_PUBLISH_PREVIOUS_VERSIONS_UNTIL (deprecation window of previous event versions), and the data key
 * settings of the audited store (DATA_KEY_ENCRYPTION_KEY, DATA_KEY_CACHE_TTL_MS), and
 * PROJECTION_PARTITIONS (`name=N,...`: which projections consume N partition queues).
 */
import { createAuditedStore, PostgresDataKeys, readAuditConfig } from '@dreamcatcher/audit';
import { createEventStore, eventStoreConfigFrom } from '@dreamcatcher/event-store';
import {
  closeServer,
  connectPostgres,
  createMetricsRegistry,
  listeningPort,
  loadConfig,
  parsePartitionCounts,
  readCommonConfig,
  runService,
  startOpsServer,
} from '@dreamcatcher/service-kit';
import { startRelay } from './relay.js';

/** An ISO 8601 instant, or undefined when unset; anything else is a configuration problem. */
function instantOf(value: string | undefined, problem: (message: string) => void): Date | undefined {
  if (value === undefined) return undefined;
  const at = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at.getTime())) problem(`RELAY_PUBLISH_PREVIOUS_VERSIONS_UNTIL must be an ISO 8601 date, got "${value}"`);
  return at;
}

await runService('relay', async (service, logger) => {
  const config = loadConfig((env) => ({
    ...readCommonConfig(env, 'relay'),
    port: env.int('PORT', 8082, { min: 0, max: 65_535 }),
    host: env.string('HOST', '127.0.0.1'),
    relayName: env.string('RELAY_NAME', 'main'),
    maxInFlight: env.int('RELAY_MAX_IN_FLIGHT', 500, { min: 1, max: 100_000 }),
    lockRetryMs: env.int('RELAY_LOCK_RETRY_MS', 1_000, { min: 50, max: 60_000 }),
    ...readAuditConfig(env),
    partitions: partitionsOf(env.optional('PROJECTION_PARTITIONS'), (message) => env.problem(message)),
    previousVersionsUntil: instantOf(env.optional('RELAY_PUBLISH_PREVIOUS_VERSIONS_UNTIL'), (message) => env.problem(message)),
  }));
  const metrics = createMetricsRegistry('relay');
  const pool = await connectPostgres({ url: config.databaseUrl, max: 4, applicationName: 'dreamcatcher-relay' }, logger);
  service.onShutdown(() => pool.end());
  const inner = await createEventStore(eventStoreConfigFrom(config, pool), { logger });
  service.onShutdown(() => inner.close());
  // Integrations act on what they receive (PipelineOS needs a fragment's content), so the relay
  // reads through the audited store: personal fields decrypted (placeholders once erased), the
  // hash chain left out of the envelopes. See README "What leaves the system".
  const keys = new PostgresDataKeys(pool, { masterKey: config.dataKeyEncryptionKey, cacheTtlMs: config.dataKeyCacheTtlMs });
  const store = createAuditedStore(inner, { keys });
  const relay = await startRelay({
    store,
    pool,
    databaseUrl: config.databaseUrl,
    amqpUrl: config.amqpUrl,
    logger,
    metrics,
    name: config.relayName,
    maxInFlight: config.maxInFlight,
    lockRetryMs: config.lockRetryMs,
    partitions: config.partitions,
    previousVersionsUntil: config.previousVersionsUntil,
  });
  service.onShutdown(() => relay.stop());
  const server = await startOpsServer({ service: 'relay', port: config.port, host: config.host, logger, metrics, checks: { relay: () => relay.readiness() } });
  service.onShutdown(() => closeServer(server));
  logger.info('relay ops server listening', { port: listeningPort(server), name: config.relayName });
});

function partitionsOf(value: string | undefined, problem: (message: string) => void): Map<string, number> {
  try {
    return parsePartitionCounts(value);
  } catch (error) {
    problem((error as Error).message);
    return new Map();
  }
}
