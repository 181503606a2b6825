/**
 * Data keys in PostgreSQL: `audit.data_keys`, one row per data subject, in the service
 * database next to the event store.
 *
 * - Creation is race-safe: `INSERT ... ON CONFLICT DO NOTHING`, then whichever key won is
 *   read back, so two writers of one subject never encrypt under different keys.
 * - Erasure sets `wrapped_key` to NULL and records `erased_at`; the row stays, so that the
 *   subject id is known as erased and no new key is ever made for it (a new key would let
 *   new personal data be written under an identity whose erasure was promised).
 * - Keys are cached in memory for `cacheTtlMs` (default 5 s), so that hot subjects cost no
 *   query per event. That TTL is how erasure reaches other processes: at most that long
 *   after erasure, every process has dropped the key (the erasing one drops it at once).
 *   A TTL needs no extra connection and cannot miss a notification, unlike LISTEN/NOTIFY.
 */
import { inTransaction, migrate, type Logger, type Migration, type Pool } from '@dreamcatcher/service-kit';
import { SubjectErasedError, type DataKeys, type Erasure } from './data-keys.js';
import { assertMasterKey, newDataKey, unwrapDataKey, wrapDataKey } from './key-wrap.js';

export const AUDIT_SCHEMA = 'audit';

export const AUDIT_MIGRATIONS: Migration[] = [
  {
    name: '001_data_keys',
    async up(knex) {
      await knex.raw(`
        CREATE SCHEMA IF NOT EXISTS ${AUDIT_SCHEMA};
        CREATE TABLE IF NOT EXISTS ${AUDIT_SCHEMA}.data_keys (
          subject_id text PRIMARY KEY,
          wrapped_key bytea,
          created_at timestamptz NOT NULL DEFAULT now(),
          erased_at timestamptz,
          CONSTRAINT data_keys_erased_without_key CHECK ((wrapped_key IS NULL) = (erased_at IS NOT NULL))
        );`);
    },
  },
];

/** Creates the audit schema when missing (idempotent; replicas queue on the kit's migration lock). */
export async function migrateAudit(url: string, logger?: Logger): Promise<string[]> {
  return migrate({ url, owner: 'audit', migrations: AUDIT_MIGRATIONS, ...(logger && { logger }) });
}

export interface PostgresDataKeysOptions {
  /** The master key (32 bytes) that wraps every data key. */
  masterKey: Buffer;
  /** How long a key (or its erasure) is remembered; also how long erasure takes to reach other processes. */
  cacheTtlMs?: number;
}

/** A subject's key as last read: present or erased. (A key never made is not remembered: it may be made any moment.) */
type CachedKey = ({ state: 'key'; key: Buffer } | { state: 'erased'; key?: undefined }) & { until: number };

// The cache is dropped whole when it reaches this size, so a long history read cannot hoard keys.
const MAX_CACHED = 10_000;

interface KeyRow {
  subject_id: string;
  wrapped_key: Buffer | null;
}

export class PostgresDataKeys implements DataKeys {
  private readonly cache = new Map<string, CachedKey>();
  private readonly ttlMs: number;

  constructor(
    private readonly pool: Pool,
    private readonly options: PostgresDataKeysOptions,
  ) {
    assertMasterKey(options.masterKey);
    this.ttlMs = options.cacheTtlMs ?? 5_000;
  }

  async keyForWriting(subjectId: string): Promise<Buffer> {
    const cached = this.cached(subjectId);
    if (cached?.state === 'key') return cached.key;
    if (cached?.state === 'erased') throw new SubjectErasedError(subjectId);
    const wrapped = wrapDataKey(newDataKey(), this.options.masterKey, subjectId);
    const inserted = await this.pool.query<KeyRow>(
      `INSERT INTO ${AUDIT_SCHEMA}.data_keys (subject_id, wrapped_key) VALUES ($1, $2)
       ON CONFLICT (subject_id) DO NOTHING RETURNING subject_id, wrapped_key`,
      [subjectId, wrapped],
    );
    // Lost the race (or the row exists): a new statement sees the committed winner.
    const row = inserted.rows[0] ?? (await this.pool.query<KeyRow>(`SELECT subject_id, wrapped_key FROM ${AUDIT_SCHEMA}.data_keys WHERE subject_id = $1`, [subjectId])).rows[0];
    const key = this.remember(subjectId, row);
    if (!key) throw new SubjectErasedError(subjectId);
    return key;
  }

  async keysForReading(subjectIds: Iterable<string>): Promise<Map<string, Buffer | undefined>> {
    const keys = new Map<string, Buffer | undefined>();
    const missing: string[] = [];
    for (const subjectId of new Set(subjectIds)) {
      const cached = this.cached(subjectId);
      if (cached) keys.set(subjectId, cached.key);
      else missing.push(subjectId);
    }
    if (missing.length) {
      const { rows } = await this.pool.query<KeyRow>(`SELECT subject_id, wrapped_key FROM ${AUDIT_SCHEMA}.data_keys WHERE subject_id = ANY($1::text[])`, [missing]);
      const found = new Map(rows.map((row) => [row.subject_id, row]));
      for (const subjectId of missing) keys.set(subjectId, this.remember(subjectId, found.get(subjectId)));
    }
    return keys;
  }

  async erase(subjectId: string): Promise<Erasure> {
    return (await this.destroy(subjectId, { ifKnown: false }))!;
  }

  eraseIfKnown(subjectId: string): Promise<Erasure | undefined> {
    return this.destroy(subjectId, { ifKnown: true });
  }

  private async destroy(subjectId: string, { ifKnown }: { ifKnown: boolean }): Promise<Erasure | undefined> {
    // The row is locked first, so that concurrent erasures agree on which one destroyed the key.
    const outcome = await inTransaction(this.pool, async (client) => {
      const before = await client.query<{ had_key: boolean }>(`SELECT wrapped_key IS NOT NULL AS had_key FROM ${AUDIT_SCHEMA}.data_keys WHERE subject_id = $1 FOR UPDATE`, [subjectId]);
      if (ifKnown && before.rows.length === 0) return undefined;
      const erased = await client.query<{ erased_at: Date }>(
        `INSERT INTO ${AUDIT_SCHEMA}.data_keys AS k (subject_id, wrapped_key, erased_at) VALUES ($1, NULL, now())
         ON CONFLICT (subject_id) DO UPDATE SET wrapped_key = NULL, erased_at = coalesce(k.erased_at, now())
         RETURNING k.erased_at`,
        [subjectId],
      );
      return { hadKey: before.rows[0]?.had_key ?? false, erasedAt: erased.rows[0]!.erased_at };
    });
    if (!outcome) return undefined;
    this.cache.set(subjectId, { state: 'erased', until: Date.now() + this.ttlMs });
    return { subjectId, erasedAt: outcome.erasedAt.toISOString(), destroyedKey: outcome.hadKey };
  }

  private cached(subjectId: string): CachedKey | undefined {
    const entry = this.cache.get(subjectId);
    if (!entry) return undefined;
    if (entry.until > Date.now()) return entry;
    this.cache.delete(subjectId);
    return undefined;
  }

  /** Caches what a row (or its absence) says about the subject's key, and returns the key. */
  private remember(subjectId: string, row: KeyRow | undefined): Buffer | undefined {
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    const until = Date.now() + this.ttlMs;
    if (!row) return undefined;
    if (!row.wrapped_key) {
      this.cache.set(subjectId, { state: 'erased', until });
      return undefined;
    }
    const key = unwrapDataKey(row.wrapped_key, this.options.masterKey, subjectId);
    this.cache.set(subjectId, { state: 'key', key, until });
    return key;
  }
}
