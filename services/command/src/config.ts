import { readAuditConfig, type AuditConfig } from '@dreamcatcher/audit';
import { loadConfig, readCommonConfig, type CommonConfig } from '@dreamcatcher/service-kit';
import { DEVELOPMENT_COMMAND_SERVICE_TOKEN } from './http/service-token.js';

export const SERVICE_NAME = 'command-service';

export interface CommandConfig extends CommonConfig, AuditConfig {
  host: string;
  port: number;
  /** The bearer token the gateway presents. */
  token: string;
  /** How long idempotency keys are kept; at least a day, which is what clients are promised. */
  idempotencyTtlHours: number;
  purgeIntervalSeconds: number;
  /** Bounds of the cache of folded streams (0 entries: no cache). */
  streamCacheMaxEntries: number;
  streamCacheMaxMb: number;
}

/** Reads the command service's configuration; throws ConfigError naming every bad variable. */
export function loadCommandConfig(env: NodeJS.ProcessEnv = process.env): CommandConfig {
  return loadConfig(
    (reader) => ({
      ...readCommonConfig(reader, SERVICE_NAME),
      // DATA_KEY_ENCRYPTION_KEY (development default outside production) and DATA_KEY_CACHE_TTL_MS.
      ...readAuditConfig(reader),
      host: reader.string('HOST', '127.0.0.1'),
      port: reader.int('PORT', 8081, { min: 0, max: 65_535 }),
      token: reader.secret('COMMAND_SERVICE_TOKEN', { developmentDefault: DEVELOPMENT_COMMAND_SERVICE_TOKEN }),
      idempotencyTtlHours: reader.int('IDEMPOTENCY_TTL_HOURS', 24, { min: 24, max: 24 * 365 }),
      purgeIntervalSeconds: reader.int('IDEMPOTENCY_PURGE_INTERVAL_SECONDS', 600, { min: 1, max: 86_400 }),
      streamCacheMaxEntries: reader.int('STREAM_CACHE_MAX_ENTRIES', 10_000, { min: 0, max: 1_000_000 }),
      streamCacheMaxMb: reader.int('STREAM_CACHE_MAX_MB', 32, { min: 0, max: 16_384 }),
    }),
    env,
  );
}
