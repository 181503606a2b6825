/**
 * Authentication between services: the gateway presents `Authorization: Bearer <token>`
 * with the shared COMMAND_SERVICE_TOKEN. Compared in constant time (over SHA-256 digests,
 * so the length of the secret does not leak either).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { errorBody, UnauthorizedError } from '@dreamcatcher/service-kit/errors';

/** The development default; `env.secret` refuses it in production. */
export const DEVELOPMENT_COMMAND_SERVICE_TOKEN = 'dev-command-token-change-me';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined || expected.length === 0) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

export function requireServiceToken(token: string): RequestHandler {
  return (req, res, next) => {
    const header = req.headers.authorization;
    const presented = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
    if (tokenMatches(presented, token)) return next();
    res.status(401).set('WWW-Authenticate', 'Bearer').json(errorBody(new UnauthorizedError('A valid service token is required')));
  };
}
