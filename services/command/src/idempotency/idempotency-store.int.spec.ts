import { expect } from 'chai';
import { connectPostgres, migrate, type Pool } from '@dreamcatcher/service-kit';
import { useTestDatabase } from '@dreamcatcher/service-kit/testing';
import { IdempotencyStore } from './idempotency-store.js';
import { canonicalJson, requestHash } from './request-hash.js';
import { commandMigrations, IDEMPOTENCY_TABLE } from './schema.js';

describe('idempotency store', () => {
  const database = useTestDatabase('dc_command_idem');
  let pool: Pool;
  let store: IdempotencyStore;
  const answer = { httpStatus: 201, body: { dreamId: 'd-1', revision: '1' } };

  before(async () => {
    await migrate({ url: database.url, owner: 'commands', migrations: commandMigrations });
    pool = await connectPostgres({ url: database.url, max: 4 });
    store = new IdempotencyStore(pool, { leaseMs: 30_000 });
  });
  after(async () => pool?.end());

  const age = (key: string, column: 'claimed_at' | 'expires_at', interval: string) =>
    pool.query(`UPDATE ${IDEMPOTENCY_TABLE} SET ${column} = now() - interval '${interval}' WHERE key = $1`, [key]);

  it('lets one caller claim a key, then replays its answer to the same request', async () => {
    const first = await store.claim('u1', 'k-claim', 'hash-a');
    expect(first.kind).to.equal('claimed');
    expect(await store.claim('u1', 'k-claim', 'hash-a')).to.deep.equal({ kind: 'pending' });
    expect(await store.complete('u1', 'k-claim', answer)).to.deep.equal(answer);
    expect(await store.claim('u1', 'k-claim', 'hash-a')).to.deep.equal({ kind: 'done', answer });
  });

  it('refuses a different request under a used key, pending or done', async () => {
    await store.claim('u1', 'k-mismatch', 'hash-a');
    expect(await store.claim('u1', 'k-mismatch', 'hash-b')).to.deep.equal({ kind: 'mismatch' });
    await store.complete('u1', 'k-mismatch', answer);
    expect(await store.claim('u1', 'k-mismatch', 'hash-b')).to.deep.equal({ kind: 'mismatch' });
  });

  it('scopes keys per user', async () => {
    await store.claim('u1', 'k-shared', 'hash-a');
    expect((await store.claim('u2', 'k-shared', 'hash-b')).kind).to.equal('claimed');
  });

  it('hands a waiting duplicate the answer once it is stored', async () => {
    await store.claim('u1', 'k-wait', 'hash-a');
    const waiting = store.waitForAnswer('u1', 'k-wait', 'hash-a', 5_000);
    setTimeout(() => void store.complete('u1', 'k-wait', answer), 100);
    expect(await waiting).to.deep.equal({ kind: 'done', answer });
  });

  it('gives up waiting after the bound', async () => {
    await store.claim('u1', 'k-slow', 'hash-a');
    const started = Date.now();
    expect(await store.waitForAnswer('u1', 'k-slow', 'hash-a', 150)).to.deep.equal({ kind: 'pending' });
    expect(Date.now() - started).to.be.within(140, 1_000);
  });

  it('lets a stale claim of the same request be taken over, once', async () => {
    await store.claim('u1', 'k-stale', 'hash-a');
    await age('k-stale', 'claimed_at', '1 minute');
    expect(await store.claim('u1', 'k-stale', 'hash-b')).to.deep.equal({ kind: 'mismatch' });
    const takers = await Promise.all([1, 2, 3].map(() => store.claim('u1', 'k-stale', 'hash-a')));
    expect(takers.filter((claim) => claim.kind === 'claimed')).to.have.length(1);
  });

  it('keeps the first stored answer when the caller it was taken from finishes later', async () => {
    await store.claim('u1', 'k-late', 'hash-a');
    await store.complete('u1', 'k-late', answer);
    const late = { httpStatus: 200, body: { other: true } };
    expect(await store.complete('u1', 'k-late', late)).to.deep.equal(answer);
  });

  it('frees a released claim for the next request, but only the claimant releases it', async () => {
    const claim = await store.claim('u1', 'k-release', 'hash-a');
    if (claim.kind !== 'claimed') throw new Error('expected a claim');
    await store.release('u1', 'k-release', '00000000-0000-4000-8000-000000000000');
    expect(await store.claim('u1', 'k-release', 'hash-a')).to.deep.equal({ kind: 'pending' });
    await store.release('u1', 'k-release', claim.claimId);
    expect((await store.claim('u1', 'k-release', 'hash-b')).kind).to.equal('claimed');
  });

  it('forgets expired keys and purges them', async () => {
    await store.claim('u1', 'k-expired', 'hash-a');
    await store.complete('u1', 'k-expired', answer);
    await age('k-expired', 'expires_at', '1 second');
    expect((await store.claim('u1', 'k-expired', 'hash-b')).kind).to.equal('claimed');
    await age('k-expired', 'expires_at', '1 second');
    expect(await store.purgeExpired()).to.equal(1);
    const { rowCount } = await pool.query(`SELECT 1 FROM ${IDEMPOTENCY_TABLE} WHERE key = 'k-expired'`);
    expect(rowCount).to.equal(0);
  });

  it('keeps keys for the configured time', async () => {
    await store.claim('u1', 'k-ttl', 'hash-a');
    const { rows } = await pool.query<{ hours: number }>(
      `SELECT round(extract(epoch FROM expires_at - created_at) / 3600) AS hours FROM ${IDEMPOTENCY_TABLE} WHERE key = 'k-ttl'`,
    );
    expect(Number(rows[0]?.hours)).to.equal(24);
  });
});

describe('request hash', () => {
  it('ignores key order and undefined fields but not values', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }], u: undefined })).to.equal('{"a":[{"c":3,"d":2}],"b":1}');
    const base = { type: 'AddTodo', data: { dreamId: 'x', title: 'T' } };
    expect(requestHash(base)).to.equal(requestHash({ type: 'AddTodo', data: { title: 'T', dreamId: 'x' } }));
    expect(requestHash(base)).not.to.equal(requestHash({ ...base, data: { dreamId: 'x', title: 'U' } }));
    expect(requestHash(base)).not.to.equal(requestHash({ ...base, expectedRevision: 3n }));
  });
});
