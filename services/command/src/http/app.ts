/**
 * The command service's internal HTTP API, called by the gateway:
 * - `POST /commands/:type` `{ data, metadata, idempotencyKey?, expectedRevision? }`
 * - `POST /sync-sessions` `{ sessionId?, items, metadata }`
 * - `GET /health`, `/ready`, `/metrics` (no token needed)
 * A request's `X-Request-Timeout-Ms` is the caller's deadline (service/deadline.ts).
 * Everything but the ops endpoints needs the service token.
 */
import express, { type ErrorRequestHandler, type Express, type Response } from 'express';
import type { EventStore } from '@dreamcatcher/event-store';
import { connectionGauges, createHttpMetrics, handleOpsRequest, type Logger, type Pool, type Registry } from '@dreamcatcher/service-kit';
import { AppError, errorBody, NotFoundError, PayloadTooLargeError, ValidationError } from '@dreamcatcher/service-kit/errors';
import { IdempotencyStore, type IdempotencyStoreOptions } from '../idempotency/idempotency-store.js';
import { createCommandHandler, type CommandOutcome, type HandleCommand } from '../service/command-handler.js';
import { toAppError } from '../service/failures.js';
import { deadlineFrom, REQUEST_TIMEOUT_HEADER, type Deadline } from '../service/deadline.js';
import { createCommandMetrics } from '../service/metrics.js';
import { isObject } from '../service/request.js';
import { handleSyncSession, validateSyncSession, type SyncSessionResult } from '../service/sync-session.js';
import { traceAppends } from '../service/traced-store.js';
import type { ErasedAmong } from '../streams/load-stream.js';
import { DEFAULT_STREAM_CACHE_LIMITS, StreamCache } from '../streams/stream-cache.js';
import { requireServiceToken } from './service-token.js';

export interface CommandServiceOptions {
  store: EventStore;
  /** The database holding `commands.idempotency_keys` (migrated with `commandMigrations`). */
  pool: Pool;
  logger: Logger;
  metrics: Registry;
  /** The bearer token callers must present (COMMAND_SERVICE_TOKEN). */
  token: string;
  serviceName?: string;
  idempotency?: IdempotencyStoreOptions;
  /** How long a duplicate request waits for the first one's answer (default 5 s). */
  waitMs?: number;
  /** Attempts when the stream moves under a command without If-Match (default 5). */
  maxAttempts?: number;
  /** Largest accepted JSON body (default 10 MB: an import may carry 500 fragments). */
  bodyLimit?: string | number;
  clock?: () => Date;
  /** Folded recent streams (default: one with the default limits; false: none). */
  streamCache?: StreamCache | false;
  /** Which people were erased, so the cache holds none of their data (streams/erased-subjects.ts). */
  erasedAmong?: ErasedAmong;
}

export interface CommandService {
  app: Express;
  /** Handles one command in-process, exactly as `POST /commands/:type` does; never throws. */
  handleCommand: HandleCommand;
  /** Handles a sync session body in-process; throws ValidationError for a malformed batch. */
  handleSyncSession(body: unknown, deadline?: Deadline): Promise<SyncSessionResult>;
  idempotency: IdempotencyStore;
  streamCache: StreamCache | undefined;
}

const OPS_PATHS = new Set(['/health', '/ready', '/metrics']);

export function createCommandService(options: CommandServiceOptions): CommandService {
  const { pool, logger } = options;
  const store = traceAppends(options.store);
  const idempotency = new IdempotencyStore(pool, options.idempotency);
  const streamCache = options.streamCache === false ? undefined : (options.streamCache ?? new StreamCache(DEFAULT_STREAM_CACHE_LIMITS));
  const handleCommand = createCommandHandler({
    store,
    idempotency,
    logger,
    metrics: createCommandMetrics(options.metrics),
    waitMs: options.waitMs,
    maxAttempts: options.maxAttempts,
    clock: options.clock,
    streamCache,
    erasedAmong: options.erasedAmong,
  });
  const syncSession = (body: unknown, deadline?: Deadline) => handleSyncSession(handleCommand, { ...validateSyncSession(body), deadline });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const ops = {
    service: options.serviceName ?? 'command-service',
    metrics: options.metrics,
    checks: {
      database: async () => (await pool.query('SELECT 1'), { ok: true }),
      eventStore: async () => ({ ok: true, detail: `head ${await store.headPosition()}` }),
    },
  };
  connectionGauges(options.metrics, { database: () => pool.query('SELECT 1') });
  const http = createHttpMetrics(options.metrics);
  app.use((req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      // The matched template (`/commands/:type`), never the raw path.
      const route = OPS_PATHS.has(req.path) ? req.path : ((req.route as { path?: string } | undefined)?.path ?? 'unmatched');
      http.observe({ method: req.method, route, status: res.statusCode }, (performance.now() - started) / 1000);
    });
    next();
  });
  app.use((req, res, next) => {
    handleOpsRequest(req, res, ops).then((handled) => handled || next(), next);
  });
  app.use(requireServiceToken(options.token));
  app.use(express.json({ limit: options.bodyLimit ?? '10mb' }));

  app.post('/commands/:type', async (req, res) => {
    const body: unknown = req.body;
    if (!isObject(body)) throw new ValidationError('Invalid command request', [{ path: '', message: 'must be a JSON object' }]);
    const outcome = await handleCommand({
      type: req.params.type as string,
      data: body.data,
      metadata: withHeaderCorrelation(body.metadata, req.get('x-correlation-id')) as never,
      idempotencyKey: body.idempotencyKey as string | undefined,
      expectedRevision: body.expectedRevision as string | undefined,
      deadline: deadlineFrom(req.get(REQUEST_TIMEOUT_HEADER)),
    });
    send(res, outcome);
  });

  app.post('/sync-sessions', async (req, res) => {
    const deadline = deadlineFrom(req.get(REQUEST_TIMEOUT_HEADER));
    const session: unknown = req.body;
    const { correlationId, ...result } = await syncSession(
      isObject(session) ? { ...session, metadata: withHeaderCorrelation(session.metadata, req.get('x-correlation-id')) } : session,
      deadline,
    );
    res.status(200).set('X-Correlation-Id', correlationId).json(result);
  });

  app.use(() => {
    throw new NotFoundError('No such endpoint');
  });
  app.use(errorHandler(logger));

  return { app, handleCommand, handleSyncSession: syncSession, idempotency, streamCache };
}

// The correlation id travels in the metadata; an X-Correlation-Id header stands in when it does not.
function withHeaderCorrelation(metadata: unknown, header: string | undefined): unknown {
  if (!isObject(metadata) || metadata.correlationId !== undefined || header === undefined) return metadata;
  return { ...metadata, correlationId: header };
}

function send(res: Response, outcome: CommandOutcome): void {
  res.status(outcome.status).set('X-Correlation-Id', outcome.correlationId);
  if ('revision' in outcome.body) res.set('ETag', `"${outcome.body.revision}"`);
  // A stale If-Match learns the revision to re-read at.
  const current = 'error' in outcome.body ? (outcome.body.error.details as { currentRevision?: unknown } | undefined)?.currentRevision : undefined;
  if (outcome.status === 412 && typeof current === 'string') res.set('ETag', `"${current}"`);
  if (outcome.replayed) res.set('Idempotent-Replayed', 'true');
  if (outcome.status === 503) res.set('Retry-After', '1');
  res.json(outcome.body);
}

function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const appError = bodyParserError(error) ?? toAppError(error, logger);
    if (appError.status === 503) res.set('Retry-After', '1');
    res.status(appError.status).json(errorBody(appError));
  };
}

// body-parser marks its errors with a `type`; they are the caller's fault, never a 500.
function bodyParserError(error: unknown): AppError | undefined {
  const type = isObject(error) ? error.type : undefined;
  if (type === 'entity.too.large') return new PayloadTooLargeError();
  if (type === 'entity.parse.failed') return new ValidationError('The body is not valid JSON', [{ path: '', message: 'must be valid JSON' }]);
  if (typeof type === 'string' && type.startsWith('encoding.') || type === 'charset.unsupported') return new AppError(415, 'unsupported_media_type', 'Unsupported body encoding');
  return undefined;
}
