import type { Request, RequestHandler } from 'express';
import { RateLimitedError } from '@dreamcatcher/service-kit/errors';
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
