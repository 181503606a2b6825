/**
 * The gateway's Express app, assembled from its parts. Everything it talks to comes in
 * through `GatewayDeps`, so tests build it around a real database and their own doubles
 * of nothing but configuration.
 */
import type { Server } from 'node:http';
import express, { type Express } from 'express';
import type { EventStore } from '@dreamcatcher/event-store';
import { CHECKPOINT_CHANNEL, DREAM_CHANGES_CHANNEL } from '@dreamcatcher/projections';
import type { Logger, Pool, Registry } from '@dreamcatcher/service-kit';
import type { AuditAccess } from './audit/audit-access.js';
import { auditRoutes } from './audit/audit-routes.js';
import { erasureRoutes } from './audit/erasure-route.js';
import { apiKeyRoutes } from './auth/api-key-routes.js';
import { API_KEY_REVOCATIONS_CHANNEL, invalidApiKeys, principalForApiKey } from './auth/api-keys.js';
import type { VerifyToken } from './auth/jwt.js';
import { createAuthenticator, identify, noStoreWhenAuthenticated, type Authenticator } from './auth/middleware.js';
import type { GatewayConfig } from './config.js';
import type { CommandServiceClient } from './dreams/command-client.js';
import { commandRoutes } from './dreams/command-routes.js';
import { extensionRoutes } from './extension/extension-routes.js';
import { historyRoutes } from './dreams/history-route.js';
import { IMPORT_PROGRESS_CHANNEL, ImportJobs } from './imports/import-jobs.js';
import { ImportRunner } from './imports/import-runner.js';
import { importRoutes } from './imports/import-routes.js';
import { queryRoutes } from './dreams/query-routes.js';
import type { ReadModels } from './dreams/read-models.js';
import { syncSessionRoutes } from './dreams/sync-session-route.js';
import { errorHandler, routeNotFound } from './http/errors.js';
import { jsonBody } from './http/json-body.js';
import { chargeExtra, rateLimit } from './http/rate-limit.js';
import { TokenBuckets } from './http/token-bucket.js';
import { requestContext } from './http/request-context.js';
import { API_PREFIX, mountRoutes, type RouteSpec } from './http/routes.js';
import { corsFor, securityHeaders } from './http/security.js';
import { LiveHub } from './live/hub.js';
import type { NotificationListener } from './live/notifications.js';
import { replaySince } from './live/replay.js';
import { liveRoutes, type Replay } from './live/sse.js';
import { createWebSocketServer } from './live/ws.js';
import { httpMetrics, liveMetrics } from './ops/metrics.js';
import { CheckpointWatch } from './read-your-writes/checkpoint-watch.js';

export { CHECKPOINT_CHANNEL, DREAM_CHANGES_CHANNEL };
/** The projection whose checkpoint bounds live replays: live updates show its rows. */
const LIVE_PROJECTION = 'dream_detail';

export type GatewaySettings = Pick<
  GatewayConfig,
  'bodyLimitBytes' | 'importMaxBytes' | 'importDir' | 'rateLimitPerMinute' | 'corsOrigins' | 'readYourWritesTimeoutMs' | 'heartbeatSeconds' | 'liveMaxPerUser' | 'liveMaxTotal' | 'liveMaxBufferedBytes' | 'apiKeysPerUser'
>;

export interface GatewayDeps {
  settings: GatewaySettings;
  logger: Logger;
  /** The gateway's own tables (API keys). */
  pool: Pool;
  /** The undecorated store: live replays and lag read only positions, types and stream ids from it. */
  eventStore: EventStore;
  /** Audited views of the store (decrypted), for history, audit and erasure. */
  audit: AuditAccess;
  readModels: ReadModels;
  commands: CommandServiceClient;
  verifyToken: VerifyToken;
  /** LISTENs on `projection_checkpoints`, `dream_changes`, `api_key_revocations` and `import_progress`. */
  listener: NotificationListener;
  /** Where the HTTP metrics are counted; served on the ops port (server.ts), not here. */
  metrics: Registry;
  /** The OpenAPI document, served as JSON. */
  openApi: () => unknown;
}

export interface Gateway {
  app: Express;
  /** Every API operation the app serves (what the OpenAPI document must list). */
  routes: RouteSpec[];
  authenticator: Authenticator;
  watch: CheckpointWatch;
  hub: LiveHub;
  /** Runs import jobs; `resume()` restarts those a stopped gateway left. */
  imports: ImportRunner;
  /** Serves `/ws` on the HTTP server the app listens with. */
  attachWebSocket(server: Server): void;
  /** Ends live connections and waiting reads. */
  close(): Promise<void>;
}

export function createGateway(deps: GatewayDeps): Gateway {
  const { settings, logger, pool, eventStore, readModels, commands, listener, metrics } = deps;
  const authenticator = createAuthenticator(deps.verifyToken, (key) => principalForApiKey(pool, key));

  const watch = new CheckpointWatch(() => readModels.readCheckpoints());
  const loadDream = (userId: string, dreamId: string) => readModels.getDreamDetail(userId, dreamId);
  const hub = new LiveHub(loadDream, logger, { maxPerUser: settings.liveMaxPerUser, maxTotal: settings.liveMaxTotal }, liveMetrics(metrics, () => hub.connections));
  const unlisten = [
    listener.on(CHECKPOINT_CHANNEL, (payload) => watch.onNotification(payload)),
    listener.on(DREAM_CHANGES_CHANNEL, (payload) => hub.onNotification(payload)),
    listener.on(API_KEY_REVOCATIONS_CHANNEL, (apiKeyId) => hub.revokeApiKey(apiKeyId)),
    listener.on(IMPORT_PROGRESS_CHANNEL, (payload) => hub.onImportProgress(payload)),
    listener.onConnected(() => void watch.refresh().catch((error: Error) => logger.warn('could not read checkpoints', { error: error.message }))),
    // Revocations announced while the LISTEN connection was down were missed: ask the table.
    listener.onConnected(() =>
      void invalidApiKeys(pool, hub.apiKeyIds())
        .then((ids) => ids.forEach((id) => hub.revokeApiKey(id)))
        .catch((error: Error) => logger.warn('could not re-check the API keys of live connections', { error: error.message })),
    ),
  ];
  const replay: Replay = async (userId, after) => {
    await watch.refresh();
    return replaySince({ store: eventStore, loadDream, userId, after, upTo: watch.lowest([LIVE_PROJECTION]) });
  };
  const heartbeatMs = settings.heartbeatSeconds * 1000;
  const maxBufferedBytes = settings.liveMaxBufferedBytes;
  // One set of buckets for HTTP requests and WebSocket upgrades, so neither is a way around the other.
  const buckets = new TokenBuckets(settings.rateLimitPerMinute);
  const sockets = createWebSocketServer({
    authenticator,
    hub,
    replay,
    heartbeatMs,
    maxBufferedBytes,
    corsOrigins: settings.corsOrigins,
    logger,
    admit: (address) => buckets.take(`ip:${address}`, Date.now()),
    loadDream,
  });

  const importJobs = new ImportJobs(pool);
  const imports = new ImportRunner(importJobs, commands, logger);
  const importRoute = importRoutes(importJobs, imports, { maxBytes: settings.importMaxBytes, dir: settings.importDir });
  const routes: RouteSpec[] = [
    importRoute.upload,
    importRoute.show,
    // Before the command routes: the extension's forms of two of their paths.
    ...extensionRoutes(commands, readModels),
    ...commandRoutes(commands),
    ...syncSessionRoutes(commands, chargeExtra(buckets)),
    ...queryRoutes(readModels, watch, settings.readYourWritesTimeoutMs),
    ...historyRoutes(deps.audit),
    ...auditRoutes(deps.audit, logger),
    ...apiKeyRoutes(pool, { maxPerUser: settings.apiKeysPerUser }),
    ...erasureRoutes(deps.audit, logger),
    ...liveRoutes(authenticator, { hub, replay, heartbeatMs, maxBufferedBytes }),
    { method: 'get', path: '/openapi.json', handlers: [(_req, res) => void res.json(deps.openApi())] },
  ];

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestContext(logger));
  app.use(httpMetrics(metrics));
  app.use(securityHeaders());
  // Liveness only: readiness and metrics name internal services, so they are served on the ops port alone.
  app.get('/health', (_req, res) => {
    res.locals.route = '/health';
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  app.use(corsFor(settings.corsOrigins));
  app.use(identify(authenticator));
  app.use(noStoreWhenAuthenticated);
  app.use(rateLimit(buckets));
  // Exports are uploads of their own (streamed to a file, far past the JSON limit): mounted before the JSON parser.
  const uploads = express.Router();
  mountRoutes(uploads, [importRoute.upload]);
  app.use(API_PREFIX, uploads);
  app.use(...jsonBody(settings.bodyLimitBytes));
  const api = express.Router();
  mountRoutes(api, routes.filter((route) => route !== importRoute.upload));
  app.use(API_PREFIX, api);
  app.use(routeNotFound);
  app.use(errorHandler(logger));

  return {
    app,
    routes,
    authenticator,
    watch,
    hub,
    imports,
    attachWebSocket: (server) => sockets.attach(server),
    async close() {
      for (const stop of unlisten) stop();
      watch.releaseAll();
      hub.closeAll();
      await imports.stop();
      await sockets.close();
    },
  };
}
