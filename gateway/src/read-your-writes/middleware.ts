import type { RequestHandler } from 'express';
import { ValidationError } from '@dreamcatcher/service-kit/errors';
import type { CheckpointWatch } from './checkpoint-watch.js';

const POSITION = /^\d{1,20}$/;
const MAX_POSITION = 2n ** 63n - 1n;

/** `X-Min-Position` as a bigint; absent -> undefined; anything but a decimal 64-bit position -> 400. */
export function minPositionFrom(header: string | undefined): bigint | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  // Beyond 64 bits is no position the store can reach: waiting for it would only hold the request until the timeout.
  if (!POSITION.test(header.trim()) || BigInt(header.trim()) > MAX_POSITION) {
    throw new ValidationError('X-Min-Position must be a decimal position', [{ path: '/headers/x-min-position', message: 'must be a decimal 64-bit position' }]);
  }
  return BigInt(header.trim());
}

/**
 * Read-your-writes for a query reading `projections`: with `X-Min-Position`, waits (bounded
 * by `timeoutMs`) until they have applied that position. The answer says how fresh it is:
 * `X-Projection-Position`, and `X-Stale: true` when the wait timed out.
 */
export function readYourWrites(watch: CheckpointWatch, projections: readonly string[], timeoutMs: number): RequestHandler {
  return async (req, res, next) => {
    const minPosition = minPositionFrom(req.get('x-min-position'));
    if (minPosition === undefined) return next();
    const { reached, position } = await watch.waitFor(projections, minPosition, timeoutMs);
    res.setHeader('X-Projection-Position', position.toString());
    if (!reached) res.setHeader('X-Stale', 'true');
    next();
  };
}
