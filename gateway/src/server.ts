/**
 * Starts the gateway on real resources: the database (its API key and data key tables
 * migrated), the event store and its audited views, the notification listener, the command service client and the token
 * verifier, then listens: the API on PORT, `/health`, `/ready` and `/metrics` on OPS_PORT. `main.ts` runs this under the kit's service lifecycle; tests
 * run it on port 0 against their own database.
 */
import { createServer, type Server, type ServerOptions } from 'node:http';
import pg from 'pg';
import { migrateAudit, PostgresDataKeys } from '@dreamcatcher/audit';
import { createEventStore, eventStoreConfigFrom, type EventStore } from '@dreamcatcher/event-store';
import { openApiDocument } from '@dreamcatcher/contracts';
import { projectionLagGauges, surviveConnectionLoss } from '@dreamcatcher/projections';
import {
  cachedChecks,
  closeServer,
  connectionGauges,
  connectPostgres,
  createMetricsRegistry,
  listeningPort,
  migrate,
  PROJECTION_NAMES,
  startOpsServer,
  type Logger,
  type Registry,
} from '@dreamcatcher/service-kit';
import { createGateway, CHECKPOINT_CHANNEL, DREAM_CHANGES_CHANNEL, type Gateway } from './app.js';
import { auditAccess } from './audit/audit-access.js';
import { API_KEY_REVOCATIONS_CHANNEL, apiKeyMigrations } from './auth/api-keys.js';
import { createTokenVerifier } from './auth/jwt.js';
import { IMPORT_PROGRESS_CHANNEL, importMigrations } from './imports/import-jobs.js';
import type { GatewayConfig } from './config.js';
import { createCommandClient } from './dreams/command-client.js';
import { projectionReadModels } from './dreams/projection-read-models.js';
import { startNotificationListener } from './live/notifications.js';
import { databaseCheck, dependencyChecks } from './ops/readiness.js';

export interface RunningGateway {
  gateway: Gateway;
  server: Server;
  port: number;
  /** e.g. `http://127.0.0.1:8080` */
  url: string;
  /** `/health`, `/ready` and `/metrics`, e.g. `http://127.0.0.1:8089` */
  opsUrl: string;
  eventStore: EventStore;
  metrics: Registry;
  close(): Promise<void>;
}

/**
 * How long a client may take to send its request. Node's defaults (60 s for the head, 300 s
 * for the whole request, checked every 30 s) let a client that trickles a body in hold a
 * connection for minutes; a few hundred such clients would hold them all. The deadline
 * covers receiving the request only: a long-lived answer (SSE, a WebSocket) is not cut.
 */
export function requestLimits(requestTimeoutMs: number): ServerOptions {
  return {
    requestTimeout: requestTimeoutMs,
    headersTimeout: Math.min(10_000, requestTimeoutMs),
    connectionsCheckingInterval: Math.min(1_000, requestTimeoutMs),
  };
}

export async function startGateway(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
  const closers: (() => Promise<unknown> | unknown)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await Promise.resolve(closer()).catch((error: Error) => logger.warn('error while closing', { error: error.message }));
  };
  try {
    await migrate({ url: config.databaseUrl, owner: 'gateway', migrations: apiKeyMigrations, logger });
    await migrate({ url: config.databaseUrl, owner: 'gateway_imports', migrations: importMigrations, logger });
    // The data keys' table, which erasure writes to (idempotent; the command service migrates it too).
    await migrateAudit(config.databaseUrl, logger);
    const pool = await connectPostgres({ url: config.databaseUrl, applicationName: 'gateway', max: 20 }, logger);
    // Reads hold a pooled client for their transaction (withReaderScope); losing its connection must not end the process.
    surviveConnectionLoss(pool, logger);
    closers.push(() => pool.end());
    const eventStore = await createEventStore(eventStoreConfigFrom(config, pool), { logger });
    closers.push(() => eventStore.close());
    const keys = new PostgresDataKeys(pool, { masterKey: config.dataKeyEncryptionKey, cacheTtlMs: config.dataKeyCacheTtlMs });
    const listener = startNotificationListener({
      connect: () => new pg.Client({ connectionString: config.databaseUrl, application_name: 'gateway-listener' }),
      channels: [CHECKPOINT_CHANNEL, DREAM_CHANGES_CHANNEL, API_KEY_REVOCATIONS_CHANNEL, IMPORT_PROGRESS_CHANNEL],
      logger,
    });
    closers.push(() => listener.close());

    const metrics = createMetricsRegistry('gateway');
    const readModels = projectionReadModels(pool);
    const commands = createCommandClient({ baseUrl: config.commandServiceUrl, token: config.commandServiceToken, timeoutMs: config.commandTimeoutMs });
    // Every projection's lag, so that one scrape of the gateway shows whether the hub reads fresh data.
    projectionLagGauges(
      metrics,
      { store: eventStore, checkpoints: () => readModels.readCheckpoints(), onError: (error) => logger.warn('could not measure projection lag', { error: error.message }) },
      PROJECTION_NAMES,
    );
    connectionGauges(metrics, { database: () => pool.query('SELECT 1') });
    const gateway = createGateway({
      settings: config,
      logger,
      pool,
      eventStore,
      audit: auditAccess(eventStore, keys),
      readModels,
      commands,
      verifyToken: createTokenVerifier(config.jwt),
      listener,
      metrics,
      openApi: openApiDocument,
    });
    closers.push(() => gateway.close());
    // Jobs a stopped gateway left queued or running start again from their beginning; what they imported is found imported.
    void gateway.imports.resume().catch((error: Error) => logger.warn('could not resume imports', { error: error.message }));

    // Cached for a second, so that a burst of /ready calls costs the dependencies one round of checks.
    const checks = cachedChecks({
      database: databaseCheck(pool),
      commandService: () => commands.ready(),
      notifications: () => (listener.connected ? { ok: true } : { ok: false, detail: 'LISTEN connection is down' }),
      ...dependencyChecks(config.readyDependencies),
    });
    const ops = await startOpsServer({ service: 'gateway', checks, metrics, port: config.opsPort, host: config.opsHost, logger });
    closers.push(() => closeServer(ops));

    const server = await new Promise<Server>((resolve, reject) => {
      const listening = createServer(requestLimits(config.requestTimeoutMs), gateway.app);
      listening.once('error', reject);
      listening.listen(config.port, config.host, () => resolve(listening));
    });
    gateway.attachWebSocket(server);
    closers.push(() => closeServer(server));
    const port = listeningPort(server);
    const opsUrl = `http://${config.opsHost}:${listeningPort(ops)}`;
    return { gateway, server, port, url: `http://${config.host}:${port}`, opsUrl, eventStore, metrics, close };
  } catch (error) {
    await close();
    throw error;
  }
}
