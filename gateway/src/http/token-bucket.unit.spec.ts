import { expect } from 'chai';
import { TokenBuckets } from './token-bucket.js';

describe('token buckets', () => {
  it('lets a caller spend its whole allowance at once, then refuses with the wait until the next token', () => {
    const buckets = new TokenBuckets(3);
    const t0 = 1_000_000;
    expect([1, 2, 3].map(() => buckets.take('a', t0).allowed)).to.deep.equal([true, true, true]);
    const refused = buckets.take('a', t0);
    expect(refused.allowed).to.equal(false);
    expect(refused.retryAfterSeconds).to.equal(20); // 3 per minute: one token every 20 s
  });

  it('refills at the steady rate', () => {
    const buckets = new TokenBuckets(60);
    for (let i = 0; i < 60; i++) buckets.take('a', 0);
    expect(buckets.take('a', 0).allowed).to.equal(false);
    expect(buckets.take('a', 999).allowed).to.equal(false);
    expect(buckets.take('a', 1_500).allowed).to.equal(true);
    expect(buckets.take('a', 1_500).allowed).to.equal(false);
  });

  it('keeps callers apart', () => {
    const buckets = new TokenBuckets(1);
    expect(buckets.take('a', 0).allowed).to.equal(true);
    expect(buckets.take('a', 0).allowed).to.equal(false);
    expect(buckets.take('b', 0).allowed).to.equal(true);
  });

  it('never holds more than its capacity and reports what is left', () => {
    const buckets = new TokenBuckets(5);
    expect(buckets.take('a', 0).remaining).to.equal(4);
    expect(buckets.take('a', 10 * 60_000).remaining).to.equal(4);
  });

  it('forgets callers whose buckets are full again', () => {
    const buckets = new TokenBuckets(10);
    buckets.take('a', 0);
    buckets.take('b', 0);
    expect(buckets.size).to.equal(2);
    buckets.take('c', 120_000);
    expect(buckets.size).to.equal(1);
  });

  it('charges a request its cost, whole or not at all, and says how long until the cost is back', () => {
    const buckets = new TokenBuckets(150);
    expect(buckets.take('a', 0, 100)).to.deep.equal({ allowed: true, remaining: 50, retryAfterSeconds: 0 });
    const refused = buckets.take('a', 0, 100);
    expect(refused.allowed).to.equal(false);
    expect(refused.retryAfterSeconds).to.equal(20); // 50 tokens missing at 150 per minute
    expect(buckets.take('a', 0, 50).allowed, 'the refused take spent nothing').to.equal(true);
  });

  it('refuses a cost no bucket could ever hold', () => {
    const buckets = new TokenBuckets(10);
    expect(() => buckets.take('a', 0, 11)).to.throw(RangeError);
    expect(() => buckets.take('a', 0, 0)).to.throw(RangeError);
  });
});
