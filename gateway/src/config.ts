import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAuditConfig, type AuditConfig } from '@dreamcatcher/audit';
import { readCommonConfig, type CommonConfig, type EnvReader } from '@dreamcatcher/service-kit';

export const DEVELOPMENT_JWT_SECRET = 'dev-secret-change-me';
export const DEVELOPMENT_COMMAND_SERVICE_TOKEN = 'dev-command-token-change-me';

/**
 * How bearer tokens are checked: a shared HS256 secret (development; production only with
 * JWT_ALLOW_HS256=true) or a JWKS of asymmetric keys (production). `maxLifetimeSeconds`
 * bounds `exp - iat` (or `exp - now` without `iat`), so a token minted for years is refused.
 */
export type JwtConfig = { maxLifetimeSeconds: number } & (
  | { kind: 'secret'; secret: string; issuer?: string | undefined; audience?: string | undefined }
  | { kind: 'jwks'; jwksUrl: string; issuer: string; audience: string }
);

export interface GatewayConfig extends CommonConfig, AuditConfig {
  port: number;
  host: string;
  /** Where `/health`, `/ready` and `/metrics` are served, apart from the API (OPS_PORT, OPS_HOST). */
  opsPort: number;
  opsHost: string;
  jwt: JwtConfig;
  commandServiceUrl: string;
  commandServiceToken: string;
  /** How long the gateway waits for the command service; the service is told, and stops when it passes. */
  commandTimeoutMs: number;
  corsOrigins: string[];
  /** Largest request body, in bytes. */
  bodyLimitBytes: number;
  /** Largest export `POST /imports` accepts, in bytes (IMPORT_MAX_BYTES). */
  importMaxBytes: number;
  /** Where uploaded exports wait for their import job (IMPORT_DIR). */
  importDir: string;
  rateLimitPerMinute: number;
  /** Base URLs whose `/ready` must have answered 200 (or only "behind") once for the gateway to be ready (see ops/readiness.ts). */
  readyDependencies: string[];
  readYourWritesTimeoutMs: number;
  /** Seconds between SSE comments and WebSocket pings that keep idle connections open. */
  heartbeatSeconds: number;
  /** How long a client may take to send a whole request (head and body) before it is answered 408. */
  requestTimeoutMs: number;
  /** Live connections (SSE and WebSocket together) one user may hold at once. */
  liveMaxPerUser: number;
  /** Live connections the gateway holds at once, all users together. */
  liveMaxTotal: number;
  /** Bytes a live connection may have waiting to be sent before it is dropped as too slow. */
  liveMaxBufferedBytes: number;
  /** Unrevoked API keys one user may hold (self-service creation beyond it is 409). */
  apiKeysPerUser: number;
}

const SIZE = /^(\d+)\s*(b|kb|mb)?$/i;

/** `1mb`, `512kb`, `1048576` -> bytes. */
export function parseSize(value: string): number | undefined {
  const match = SIZE.exec(value.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? 'b').toLowerCase();
  return Number(match[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
}

function readJwt(env: EnvReader): JwtConfig {
  const jwksUrl = env.optional('JWT_JWKS_URL');
  const issuer = env.optional('JWT_ISSUER');
  const audience = env.optional('JWT_AUDIENCE');
  const maxLifetimeSeconds = env.int('JWT_MAX_LIFETIME_SECONDS', 86_400, { min: 60, max: 31_536_000 });
  if (jwksUrl) {
    env.url('JWT_JWKS_URL', undefined, env.production ? ['https'] : ['https', 'http']);
    if (!issuer) env.problem('JWT_ISSUER is required with JWT_JWKS_URL');
    if (!audience) env.problem('JWT_AUDIENCE is required with JWT_JWKS_URL');
    return { kind: 'jwks', jwksUrl, issuer: issuer ?? '', audience: audience ?? '', maxLifetimeSeconds };
  }
  // A shared secret is held by every service that signs, so one leak forges any user: production takes it only when told to.
  if (env.production && !env.bool('JWT_ALLOW_HS256', false)) {
    env.problem('production accepts only JWKS tokens (RS*, PS*, ES*, EdDSA): set JWT_JWKS_URL, JWT_ISSUER and JWT_AUDIENCE, or JWT_ALLOW_HS256=true to accept HS256 with JWT_SECRET');
  }
  return { kind: 'secret', secret: env.secret('JWT_SECRET', { developmentDefault: DEVELOPMENT_JWT_SECRET }), issuer, audience, maxLifetimeSeconds };
}

/** The gateway's configuration; every problem is reported together by `loadConfig`. */
export function readGatewayConfig(env: EnvReader): GatewayConfig {
  const bodyLimit = env.string('BODY_LIMIT', '1mb');
  const bodyLimitBytes = parseSize(bodyLimit);
  if (bodyLimitBytes === undefined || bodyLimitBytes < 1) env.problem(`BODY_LIMIT must be a size such as 1mb, 512kb or 1048576, got "${bodyLimit}"`);
  const liveMaxBuffered = env.string('LIVE_MAX_BUFFERED', '256kb');
  const liveMaxBufferedBytes = parseSize(liveMaxBuffered);
  if (liveMaxBufferedBytes === undefined || liveMaxBufferedBytes < 1024) env.problem(`LIVE_MAX_BUFFERED must be a size of at least 1kb such as 256kb, got "${liveMaxBuffered}"`);
  const importMax = env.string('IMPORT_MAX_BYTES', '512mb');
  const importMaxBytes = parseSize(importMax);
  if (importMaxBytes === undefined || importMaxBytes < 1024) env.problem(`IMPORT_MAX_BYTES must be a size of at least 1kb such as 512mb, got "${importMax}"`);
  const readyDependencies = env.list('READY_DEPENDENCIES', []);
  for (const url of readyDependencies) {
    if (!/^https?:\/\/[^\s]+$/.test(url)) env.problem(`READY_DEPENDENCIES must list http(s) base URLs, got "${url}"`);
  }
  return {
    ...readCommonConfig(env, 'gateway'),
    // DATA_KEY_ENCRYPTION_KEY (development default outside production), DATA_KEY_CACHE_TTL_MS.
    ...readAuditConfig(env),
    port: env.int('PORT', 8080, { min: 0, max: 65535 }),
    host: env.string('HOST', '127.0.0.1'),
    opsPort: env.int('OPS_PORT', 8089, { min: 0, max: 65535 }),
    opsHost: env.string('OPS_HOST', '127.0.0.1'),
    jwt: readJwt(env),
    commandServiceUrl: env.url('COMMAND_SERVICE_URL', 'http://127.0.0.1:8081', ['http', 'https']).replace(/\/+$/, ''),
    commandServiceToken: env.secret('COMMAND_SERVICE_TOKEN', { developmentDefault: DEVELOPMENT_COMMAND_SERVICE_TOKEN }),
    commandTimeoutMs: env.int('COMMAND_TIMEOUT_MS', 15_000, { min: 100, max: 600_000 }),
    corsOrigins: env.list('CORS_ORIGINS', []),
    bodyLimitBytes: bodyLimitBytes ?? 1024 * 1024,
    importMaxBytes: importMaxBytes ?? 512 * 1024 * 1024,
    importDir: env.string('IMPORT_DIR', join(tmpdir(), 'dreamcatcher-imports')),
    rateLimitPerMinute: env.int('RATE_LIMIT_PER_MINUTE', 1200, { min: 1 }),
    readyDependencies: readyDependencies.map((url) => url.replace(/\/+$/, '')),
    readYourWritesTimeoutMs: env.int('READ_YOUR_WRITES_TIMEOUT_MS', 5000, { min: 0, max: 60_000 }),
    heartbeatSeconds: env.int('LIVE_HEARTBEAT_SECONDS', 15, { min: 1, max: 300 }),
    requestTimeoutMs: env.int('REQUEST_TIMEOUT_MS', 30_000, { min: 100, max: 600_000 }),
    liveMaxPerUser: env.int('LIVE_MAX_PER_USER', 8, { min: 1, max: 1000 }),
    liveMaxTotal: env.int('LIVE_MAX_TOTAL', 1000, { min: 1, max: 100_000 }),
    liveMaxBufferedBytes: liveMaxBufferedBytes ?? 256 * 1024,
    apiKeysPerUser: env.int('API_KEYS_PER_USER', 10, { min: 1, max: 1000 }),
  };
}
