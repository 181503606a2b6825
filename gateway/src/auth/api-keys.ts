/**
 * API keys for the extension. A key is `dc_<prefix>_<secret>`: the prefix is visible and
 * finds the row, the secret carries 256 random bits, and only the SHA-256 of the whole key
 * is stored, so a leaked table yields no usable key. Every use reads the row, so a revoked
 * key stops working at once, on every gateway replica; a revocation is also announced on
 * `api_key_revocations`, so live connections opened with the key end at once too.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Migration, Pool } from '@dreamcatcher/service-kit';
import { ConflictError, NotFoundError, ValidationError, type Violation } from '@dreamcatcher/service-kit/errors';
import { userIdProblem } from '@dreamcatcher/contracts';
import type { Principal } from './roles.js';

/** `NOTIFY api_key_revocations, '<key id>'` when a key is revoked or deleted: live connections opened with it end. */
export const API_KEY_REVOCATIONS_CHANNEL = 'api_key_revocations';

const KEY_FORMAT = /^dc_([a-f0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface ApiKeyInfo {
  id: string;
  prefix: string;
  userId: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** A new key: `key` is shown once and never stored. */
export interface CreatedApiKey extends ApiKeyInfo {
  key: string;
}

export const apiKeyMigrations: Migration[] = [
  {
    name: '0001_api_keys',
    async up(knex) {
      await knex.raw('CREATE SCHEMA IF NOT EXISTS gateway');
      await knex.raw(`
        CREATE TABLE gateway.api_keys (
          id uuid PRIMARY KEY,
          prefix text NOT NULL UNIQUE,
          key_hash bytea NOT NULL,
          user_id text NOT NULL,
          name text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          revoked_at timestamptz,
          last_used_at timestamptz
        )`);
      await knex.raw('CREATE INDEX api_keys_user_id ON gateway.api_keys (user_id)');
    },
  },
  {
    // Announced by the database itself, so every gateway replica hears of a revocation whatever revoked the key.
    name: '0002_api_key_revocation_notify',
    async up(knex) {
      await knex.raw(`
        CREATE FUNCTION gateway.announce_api_key_revocation() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM pg_notify('${API_KEY_REVOCATIONS_CHANNEL}', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END::text);
          RETURN NULL;
        END $$`);
      await knex.raw(`
        CREATE TRIGGER api_key_revoked AFTER UPDATE OF revoked_at ON gateway.api_keys
        FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
        EXECUTE FUNCTION gateway.announce_api_key_revocation()`);
      await knex.raw(`
        CREATE TRIGGER api_key_deleted AFTER DELETE ON gateway.api_keys
        FOR EACH ROW EXECUTE FUNCTION gateway.announce_api_key_revocation()`);
    },
  },
];

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** A fresh random key and its lookup prefix. */
export function generateApiKey(): { key: string; prefix: string } {
  const prefix = randomBytes(6).toString('hex');
  return { key: `dc_${prefix}_${randomBytes(32).toString('base64url')}`, prefix };
}

export function apiKeyPrefix(key: string): string | undefined {
  return KEY_FORMAT.exec(key)?.[1];
}

/** Whether a credential has the shape of one of our keys; a JWT never has (it starts `eyJ`). */
export function isApiKeyShaped(credential: string): boolean {
  return credential.startsWith('dc_');
}

interface ApiKeyRow {
  id: string;
  prefix: string;
  user_id: string;
  name: string;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const COLUMNS = 'id, prefix, user_id, name, created_at, revoked_at, last_used_at';

function toInfo(row: ApiKeyRow): ApiKeyInfo {
  return {
    id: row.id,
    prefix: row.prefix,
    userId: row.user_id,
    name: row.name,
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
  };
}

function checkInput(input: { userId?: unknown; name?: unknown }): { userId: string; name: string } {
  const violations: Violation[] = [];
  const text = (value: unknown, path: string, max: number) => {
    if (typeof value !== 'string' || value.trim().length === 0 || value.length > max) violations.push({ path, message: `must be a non-empty string of at most ${max} characters` });
  };
  const userIdViolation = userIdProblem(input.userId);
  if (userIdViolation) violations.push({ path: '/userId', message: userIdViolation });
  text(input.name, '/name', 200);
  if (violations.length) throw new ValidationError('Invalid API key request', violations);
  return { userId: input.userId as string, name: (input.name as string).trim() };
}

/**
 * Creates a key bound to `userId`; the returned `key` is the only time it is visible. With
 * `maxActive`, a user already holding that many unrevoked keys is refused (409); a per-user
 * advisory lock makes the count and the insert one step, so parallel requests cannot pass it.
 */
export async function createApiKey(pool: Pool, input: { userId?: unknown; name?: unknown }, { maxActive }: { maxActive?: number } = {}): Promise<CreatedApiKey> {
  const { userId, name } = checkInput(input);
  const { key, prefix } = generateApiKey();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    if (maxActive !== undefined) {
      await client.query("SELECT pg_advisory_xact_lock(hashtext('gateway.api_keys:' || $1))", [userId]);
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM gateway.api_keys WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
      if (rows[0]!.n >= maxActive) throw new ConflictError(`At most ${maxActive} active API keys per user; revoke one first`, 'too_many_api_keys');
    }
    const { rows } = await client.query<ApiKeyRow>(
      `INSERT INTO gateway.api_keys (id, prefix, key_hash, user_id, name) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [randomUUID(), prefix, hashApiKey(key), userId, name],
    );
    await client.query('COMMIT');
    return { ...toInfo(rows[0]!), key };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Revokes a key; revoking twice is fine. Unknown ids, and with `userId` another user's keys, are 404. */
export async function revokeApiKey(pool: Pool, id: string, { userId }: { userId?: string } = {}): Promise<ApiKeyInfo> {
  const { rows } = await pool.query<ApiKeyRow>(
    `UPDATE gateway.api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 AND ($2::text IS NULL OR user_id = $2) RETURNING ${COLUMNS}`,
    [id, userId ?? null],
  );
  if (!rows[0]) throw new NotFoundError('API key not found');
  return toInfo(rows[0]);
}

/** Of `ids`, those no longer valid (revoked or deleted): what a replica that missed notifications checks. */
export async function invalidApiKeys(pool: Pool, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const { rows } = await pool.query<{ id: string }>('SELECT id::text FROM gateway.api_keys WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL', [ids]);
  const valid = new Set(rows.map((row) => row.id));
  return ids.filter((id) => !valid.has(id));
}

/** Every key, newest first, without secrets; `userId` narrows to one user's keys. */
export async function listApiKeys(pool: Pool, { userId }: { userId?: string } = {}): Promise<ApiKeyInfo[]> {
  const { rows } = await pool.query<ApiKeyRow>(
    `SELECT ${COLUMNS} FROM gateway.api_keys WHERE $1::text IS NULL OR user_id = $1 ORDER BY created_at DESC, id`,
    [userId ?? null],
  );
  return rows.map(toInfo);
}

/** The principal an active key stands for, or undefined for a malformed, unknown or revoked key. */
export async function principalForApiKey(pool: Pool, key: string): Promise<Principal | undefined> {
  const prefix = apiKeyPrefix(key);
  if (!prefix) return undefined;
  const { rows } = await pool.query<{ id: string; user_id: string; key_hash: Buffer }>(
    'SELECT id, user_id, key_hash FROM gateway.api_keys WHERE prefix = $1 AND revoked_at IS NULL',
    [prefix],
  );
  const row = rows[0];
  if (!row || !timingSafeEqual(row.key_hash, hashApiKey(key))) return undefined;
  // Best effort and off the request's path: a lost "last used" stamp is harmless.
  void pool
    .query("UPDATE gateway.api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')", [row.id])
    .catch(() => undefined);
  return { userId: row.user_id, roles: ['user'], via: 'api-key', apiKeyId: row.id };
}
