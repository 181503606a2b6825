import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { withLogContext } from '@dreamcatcher/service-kit';
import { UnauthorizedError } from '@dreamcatcher/service-kit/errors';
import { isApiKeyShaped } from './api-keys.js';
import type { VerifyToken } from './jwt.js';
import { assertAnyRole, type Principal, type Role } from './roles.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set when the request carried valid credentials. */
    principal?: Principal;
    /** Why credentials were refused; reported by `requireAuth`, after rate limiting counted the attempt. */
    authError?: Error;
  }
}

/**
 * Turns a credential (`Bearer <jwt>`, `ApiKey <key>`, or `Bearer <key>` as the extension sends
 * it) into a principal; undefined when none is given.
 */
export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<Principal | undefined>;
}

export function createAuthenticator(verifyToken: VerifyToken, findApiKey: (key: string) => Promise<Principal | undefined>): Authenticator {
  return {
    async authenticate(authorization) {
      if (authorization === undefined || authorization.trim() === '') return undefined;
      const [scheme = '', credential = '', ...rest] = authorization.trim().split(/\s+/);
      if (!credential || rest.length) throw new UnauthorizedError('Malformed Authorization header');
      const kind = scheme.toLowerCase();
      if (kind !== 'bearer' && kind !== 'apikey') throw new UnauthorizedError('Unsupported authorization scheme');
      // The extension sends its API key as a bearer token; a key's form tells it from a JWT.
      if (kind === 'bearer' && !isApiKeyShaped(credential)) return verifyToken(credential);
      const principal = await findApiKey(credential);
      if (!principal) throw new UnauthorizedError('API key is not valid');
      return principal;
    },
  };
}

/**
 * Reads credentials when present. A bad credential is remembered, not answered yet, so
 * that the rate limiter still counts the attempt against the caller's address.
 */
export function identify(authenticator: Authenticator): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      req.principal = await authenticator.authenticate(req.headers.authorization);
    } catch (error) {
      if (!(error instanceof UnauthorizedError)) throw error;
      req.authError = error;
    }
    if (!req.principal) return next();
    withLogContext({ userId: req.principal.userId }, () => next());
  };
}

/**
 * `Cache-Control: no-store` on every answer to a request that carried credentials: what one
 * user reads must not be kept by a browser or a shared cache for the next one.
 */
export const noStoreWhenAuthenticated: RequestHandler = (req, res, next) => {
  if (req.principal || req.authError) res.setHeader('Cache-Control', 'no-store');
  next();
};

/** 401 without valid credentials; 403 unless the caller holds one of `roles` (when given). */
export function requireAuth(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    if (req.authError) throw req.authError;
    if (!req.principal) throw new UnauthorizedError();
    if (roles.length) assertAnyRole(req.principal, roles);
    next();
  };
}

/** The authenticated caller of a route behind `requireAuth`. */
export function principalOf(req: Request): Principal {
  if (!req.principal) throw new UnauthorizedError();
  return req.principal;
}
