/**
 * Idempotency keys: a command sent again under a key already handled answers with the
 * first answer and appends nothing.
 *
 * The flow, for one (user, key):
 * 1. `claim`: INSERT a `pending` row; ON CONFLICT the row is taken over only when it has
 *    expired (older than the TTL) or is a stale claim of the same request (pending longer
 *    than the lease: its executor crashed), else left alone (DO UPDATE ... WHERE, which
 *    PostgreSQL re-checks on the row's latest version, so two takers cannot both win).
 *    The winner executes the command.
 * 2. The winner stores the answer with `complete` (success, or a 4xx rule error, which is
 *    as much "the first answer" as a success), or `release`s the claim when the failure
 *    was transient (503, exhausted conflict retries) so a retry executes afresh.
 * 3. A racing duplicate finds the row `pending` and `waitForAnswer` polls it (bounded)
 *    until it is `done`, released or stale, claiming it in the last two cases.
 * A different request under a used key is a `mismatch` (422 for the caller).
 *
 * Times come from the database clock, so replicas agree on leases and expiry.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from '@dreamcatcher/service-kit';
import { sleep } from '@dreamcatcher/service-kit';
import { IDEMPOTENCY_TABLE } from './schema.js';

/** The first answer given to a request, as stored. */
export interface StoredAnswer {
  httpStatus: number;
  body: unknown;
}

export type Claim =
  /** This caller holds the key: execute, then `complete` or `release`. */
  | { kind: 'claimed'; claimId: string }
  /** The request was handled: replay the answer. */
  | { kind: 'done'; answer: StoredAnswer }
  /** Another caller is executing the same request right now. */
  | { kind: 'pending' }
  /** The key was used for a different request. */
  | { kind: 'mismatch' };

export interface IdempotencyStoreOptions {
  /** How long keys are kept; 24 hours by default. */
  ttlHours?: number;
  /** How long a pending claim is trusted before another caller may take it over; 30 s by default. */
  leaseMs?: number;
}

interface KeyRow {
  request_hash: string;
  status: 'pending' | 'done';
  response: unknown;
  http_status: number | null;
  stale: boolean;
}

export class IdempotencyStore {
  private readonly ttlSeconds: number;
  private readonly leaseSeconds: number;

  constructor(
    private readonly pool: Pool,
    options: IdempotencyStoreOptions = {},
  ) {
    this.ttlSeconds = (options.ttlHours ?? 24) * 3600;
    this.leaseSeconds = (options.leaseMs ?? 30_000) / 1000;
  }

  async claim(userId: string, key: string, requestHash: string): Promise<Claim> {
    const claimId = randomUUID();
    for (let attempt = 0; attempt < 3; attempt++) {
      const { rowCount } = await this.pool.query(
        `INSERT INTO ${IDEMPOTENCY_TABLE} AS k (user_id, key, request_hash, status, claim_id, created_at, claimed_at, expires_at)
         VALUES ($1, $2, $3, 'pending', $4, now(), now(), now() + make_interval(secs => $5))
         ON CONFLICT (user_id, key) DO UPDATE
           SET request_hash = excluded.request_hash, status = 'pending', response = NULL, http_status = NULL,
               claim_id = excluded.claim_id, created_at = excluded.created_at, claimed_at = excluded.claimed_at,
               expires_at = excluded.expires_at
           WHERE k.expires_at <= now()
              OR (k.status = 'pending' AND k.request_hash = excluded.request_hash
                  AND k.claimed_at <= now() - make_interval(secs => $6))`,
        [userId, key, requestHash, claimId, this.ttlSeconds, this.leaseSeconds],
      );
      if (rowCount === 1) return { kind: 'claimed', claimId };
      const row = await this.read(userId, key);
      // Gone between the two statements (released or purged): claim again.
      if (row) return this.classify(row, requestHash);
    }
    return { kind: 'pending' };
  }

  /**
   * Polls a key another caller is executing until its answer is stored (`done`), or the
   * claim is released or goes stale (then this caller claims it), or `timeoutMs` passes
   * (`pending`).
   */
  async waitForAnswer(userId: string, key: string, requestHash: string, timeoutMs: number): Promise<Claim> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      await sleep(Math.min(20 * 2 ** attempt, 200, Math.max(deadline - Date.now(), 0)));
      const row = await this.read(userId, key);
      if (!row || (row.status === 'pending' && row.stale)) return this.claim(userId, key, requestHash);
      const claim = this.classify(row, requestHash);
      if (claim.kind !== 'pending') return claim;
    }
    return { kind: 'pending' };
  }

  /**
   * Stores the first answer. When someone else stored one first (a caller that took over
   * this claim, or the one it was taken from), that answer wins and is returned instead,
   * so every caller of one request sees one answer.
   */
  async complete(userId: string, key: string, answer: StoredAnswer): Promise<StoredAnswer> {
    const { rowCount } = await this.pool.query(
      `UPDATE ${IDEMPOTENCY_TABLE} SET status = 'done', response = $3, http_status = $4
       WHERE user_id = $1 AND key = $2 AND status = 'pending'`,
      [userId, key, JSON.stringify(answer.body), answer.httpStatus],
    );
    if (rowCount === 1) return answer;
    const row = await this.read(userId, key);
    return row?.status === 'done' ? toAnswer(row) : answer;
  }

  /** Gives up a claim without an answer, so the next request under the key executes. */
  async release(userId: string, key: string, claimId: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${IDEMPOTENCY_TABLE} WHERE user_id = $1 AND key = $2 AND status = 'pending' AND claim_id = $3`, [
      userId,
      key,
      claimId,
    ]);
  }

  /** Deletes expired keys, a batch at a time; returns how many went. */
  async purgeExpired(batchSize = 5_000): Promise<number> {
    let total = 0;
    for (;;) {
      const { rowCount } = await this.pool.query(
        `DELETE FROM ${IDEMPOTENCY_TABLE} WHERE (user_id, key) IN (
           SELECT user_id, key FROM ${IDEMPOTENCY_TABLE} WHERE expires_at <= now() LIMIT $1)`,
        [batchSize],
      );
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < batchSize) return total;
    }
  }

  private async read(userId: string, key: string): Promise<KeyRow | undefined> {
    const { rows } = await this.pool.query<KeyRow>(
      `SELECT request_hash, status, response, http_status,
              (status = 'pending' AND claimed_at <= now() - make_interval(secs => $3)) AS stale
       FROM ${IDEMPOTENCY_TABLE} WHERE user_id = $1 AND key = $2 AND expires_at > now()`,
      [userId, key, this.leaseSeconds],
    );
    return rows[0];
  }

  private classify(row: KeyRow, requestHash: string): Claim {
    if (row.request_hash !== requestHash) return { kind: 'mismatch' };
    return row.status === 'done' ? { kind: 'done', answer: toAnswer(row) } : { kind: 'pending' };
  }
}

function toAnswer(row: KeyRow): StoredAnswer {
  return { httpStatus: row.http_status ?? 200, body: row.response };
}
