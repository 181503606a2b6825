// The command service: decides commands and appends their events, idempotently.
import { createAuditedStore, migrateAudit, PostgresDataKeys } from '@dreamcatcher/audit';
import { precompileValidators } from '@dreamcatcher/contracts';
import { createEventStore, eventStoreConfigFrom } from '@dreamcatcher/event-store';
import { closeServer, connectPostgres, createMetricsRegistry, migrate, runService } from '@dreamcatcher/service-kit';
import { loadCommandConfig, SERVICE_NAME } from './config.js';
import { createCommandService } from './http/app.js';
import { commandMigrations } from './idempotency/schema.js';
import { erasedAmongFor, sweepErased } from './streams/erased-subjects.js';
import { StreamCache } from './streams/stream-cache.js';

await runService(SERVICE_NAME, async (service, logger) => {
  const config = loadCommandConfig();
  // Compile every contract schema now, so the first command does not pay for it (and a broken schema stops the start).
  precompileValidators();
  await migrate({ url: config.databaseUrl, owner: 'commands', migrations: commandMigrations, logger });
  await migrateAudit(config.databaseUrl, logger);
  const pool = await connectPostgres({ url: config.databaseUrl, applicationName: SERVICE_NAME }, logger);
  service.onShutdown(() => pool.end());
  const inner = await createEventStore(eventStoreConfigFrom(config, pool), { logger });
  service.onShutdown(() => inner.close());
  // Every append is encrypted (personal fields, under the dream owner's key) and hash-chained.
  const keys = new PostgresDataKeys(pool, { masterKey: config.dataKeyEncryptionKey, cacheTtlMs: config.dataKeyCacheTtlMs });
  const store = createAuditedStore(inner, { keys });

  // Folded recent streams, never holding the data of someone erased (streams/erased-subjects.ts).
  const streamCache = new StreamCache({ maxEntries: config.streamCacheMaxEntries, maxBytes: config.streamCacheMaxMb * 1024 * 1024 });
  const erasedAmong = erasedAmongFor(keys);
  service.onShutdown(sweepErased(streamCache, erasedAmong, Math.max(1_000, config.dataKeyCacheTtlMs), logger));

  const { app, idempotency } = createCommandService({
    store,
    pool,
    logger,
    metrics: createMetricsRegistry(SERVICE_NAME),
    token: config.token,
    serviceName: SERVICE_NAME,
    idempotency: { ttlHours: config.idempotencyTtlHours },
    streamCache,
    erasedAmong,
  });

  const purge = setInterval(() => {
    idempotency
      .purgeExpired()
      .then((count) => count && logger.info('purged expired idempotency keys', { count }))
      .catch((error: Error) => logger.warn('could not purge idempotency keys', { error: error.message }));
  }, config.purgeIntervalSeconds * 1000);
  purge.unref();
  service.onShutdown(() => clearInterval(purge));

  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const listening = app.listen(config.port, config.host, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  service.onShutdown(() => closeServer(server));
  logger.info('command service listening', { host: config.host, port: config.port, eventStore: config.eventStore });
});
