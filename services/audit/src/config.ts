/**
 * The audit library's configuration, read by the entry point of any service that uses the
 * audited store (and by the CLI), then passed in.
 */
import type { EnvReader } from '@dreamcatcher/service-kit';
import { DATA_KEY_BYTES } from './encryption/field-cipher.js';

/** 32 bytes spelling "dreamcatcher-dev-data-key-000000": fine on a laptop, refused in production. */
export const DEVELOPMENT_DATA_KEY_ENCRYPTION_KEY = 'ZHJlYW1jYXRjaGVyLWRldi1kYXRhLWtleS0wMDAwMDA=';

export interface AuditConfig {
  /** The master key that wraps every data key (`DATA_KEY_ENCRYPTION_KEY`, 32 bytes, base64). */
  dataKeyEncryptionKey: Buffer;
  /** How long data keys stay cached (`DATA_KEY_CACHE_TTL_MS`, default 5000): erasure reaches other processes within it. */
  dataKeyCacheTtlMs: number;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function readAuditConfig(env: EnvReader): AuditConfig {
  const text = env.secret('DATA_KEY_ENCRYPTION_KEY', { developmentDefault: DEVELOPMENT_DATA_KEY_ENCRYPTION_KEY, minLength: 44 });
  const key = BASE64.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (text && key.length !== DATA_KEY_BYTES) env.problem(`DATA_KEY_ENCRYPTION_KEY must be ${DATA_KEY_BYTES} bytes in base64 (e.g. \`openssl rand -base64 32\`)`);
  return {
    dataKeyEncryptionKey: key,
    dataKeyCacheTtlMs: env.int('DATA_KEY_CACHE_TTL_MS', 5_000, { min: 0, max: 60_000 }),
  };
}
