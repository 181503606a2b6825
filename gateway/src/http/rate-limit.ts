import type { Request, RequestHandler } from 'express';
import { PayloadTooLargeError, RateLimitedError } from '@dreamcatcher/service-kit/errors';
import { TokenBuckets } from './token-bucket.js';

/** Whose allowance a request spends: the API key, else the user, else the address. */
export function callerKey(req: Request): string {
  const principal = req.principal;
  if (principal?.apiKeyId) return `key:${principal.apiKeyId}`;
  if (principal) return `user:${principal.userId}`;
  return `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
}

/** Per-caller rate limiting; 429 with `Retry-After` once a caller's bucket is empty. */
export function rateLimit(buckets: TokenBuckets, now: () => number = Date.now): RequestHandler {
  return (req, res, next) => {
    const result = buckets.take(callerKey(req), now());
    res.setHeader('RateLimit-Limit', String(buckets.capacity));
    res.setHeader('RateLimit-Remaining', String(result.remaining));
    if (!result.allowed) throw new RateLimitedError(result.retryAfterSeconds);
    next();
  };
}

/** Spends `cost` more of the caller's allowance, for a request that does the work of `cost + 1`. */
export type ChargeExtra = (req: Request, cost: number) => void;

/**
 * A request that carries many units of work (a sync session's items) pays for each: the
 * middleware above took one token, this takes the rest, all or nothing. A request that
 * costs more than a whole bucket could never pass, so it is refused as too large.
 */
export function chargeExtra(buckets: TokenBuckets, now: () => number = Date.now): ChargeExtra {
  return (req, cost) => {
    if (cost <= 0) return;
    if (cost + 1 > buckets.capacity) {
      throw new PayloadTooLargeError(`This request costs ${cost + 1} requests of the rate limit, more than the ${buckets.capacity} a caller may make per minute; send fewer items at once`);
    }
    const result = buckets.take(callerKey(req), now(), cost);
    req.res?.setHeader('RateLimit-Remaining', String(result.remaining));
    if (!result.allowed) throw new RateLimitedError(result.retryAfterSeconds);
  };
}
