/**
 * Token buckets, one per caller, in memory. Each holds up to `capacity` tokens and refills
 * continuously at `capacity` per `windowMs`, so a caller may burst a minute's allowance and
 * then goes at the steady rate. A request may cost more than one token (a sync session
 * costs one per item); it is taken whole or not at all. Pure: time is passed in.
 */
export interface TakeResult {
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** When refused: seconds until the bucket holds the cost again (at least 1). */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly ratePerMs: number;
  private lastSweep = 0;

  constructor(
    readonly capacity: number,
    private readonly windowMs = 60_000,
  ) {
    if (!(capacity > 0)) throw new RangeError('capacity must be positive');
    this.ratePerMs = capacity / windowMs;
  }

  /** Takes `cost` tokens (at most `capacity`: more could never be granted). */
  take(key: string, now: number, cost = 1): TakeResult {
    if (!(cost > 0 && cost <= this.capacity)) throw new RangeError(`cost must be between 1 and the capacity (${this.capacity})`);
    this.sweep(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, updatedAt: now };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + Math.max(0, now - bucket.updatedAt) * this.ratePerMs);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0 };
    }
    const waitMs = (cost - bucket.tokens) / this.ratePerMs;
    return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Forgets buckets that have refilled completely: they behave exactly like absent ones. */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.updatedAt) * this.ratePerMs >= this.capacity) this.buckets.delete(key);
    }
  }
}
