/**
 * Bearer token checks. Development signs with a shared HS256 secret; production trusts
 * only asymmetric keys published at a JWKS URL, with issuer and audience checked (HS256
 * only with JWT_ALLOW_HS256=true, see config.ts). Every token's lifetime is bounded. Each mode
 * accepts one family of algorithms and nothing else, which is what defeats `alg: none` and
 * algorithm confusion (an HS256 token "signed" with a public RSA key).
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { isUserId } from '@dreamcatcher/contracts';
import { ServiceUnavailableError, UnauthorizedError } from '@dreamcatcher/service-kit/errors';
import type { JwtConfig } from '../config.js';
import { isRole, type Principal, type Role } from './roles.js';

export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const CLOCK_TOLERANCE_SECONDS = 5;

export type VerifyToken = (token: string) => Promise<Principal>;

/**
 * The principal a verified token names: `sub`, and `roles` (default `['user']`; unknown roles
 * are dropped). A `sub` that is not storable text (NUL, a lone surrogate, controls) is refused:
 * a store would fail on it or keep another user's id in its place.
 */
export function principalFromClaims(payload: JWTPayload): Principal {
  const { sub, roles } = payload;
  if (!isUserId(sub)) throw new UnauthorizedError('Token has no valid subject');
  if (roles === undefined) return { userId: sub, roles: ['user'], via: 'jwt' };
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) throw new UnauthorizedError('Token roles must be a list of strings');
  return { userId: sub, roles: [...new Set(roles.filter(isRole))] as Role[], via: 'jwt' };
}

/** How long a token is valid: from `iat`, or from now when it has none. */
function lifetimeSeconds(payload: JWTPayload): number {
  const from = typeof payload.iat === 'number' ? payload.iat : Date.now() / 1000;
  return (payload.exp ?? Infinity) - from;
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'Token expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `Token claim "${error.claim}" is not valid`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'Token algorithm not allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'Token signature is not valid';
  if (error instanceof errors.JWKSNoMatchingKey) return 'Token signed by an unknown key';
  return 'Token is not valid';
}

/** A verifier for the configured mode. `getKey` may be injected (tests, or a pre-built key set). */
export function createTokenVerifier(config: JwtConfig, getKey?: JWTVerifyGetKey): VerifyToken {
  const options: JWTVerifyOptions = { clockTolerance: CLOCK_TOLERANCE_SECONDS, requiredClaims: ['sub', 'exp'] };
  let verify: (token: string) => Promise<{ payload: JWTPayload }>;
  if (config.kind === 'jwks') {
    const keys = getKey ?? createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000 });
    const checks = { ...options, algorithms: ASYMMETRIC_ALGORITHMS, issuer: config.issuer, audience: config.audience };
    verify = (token) => jwtVerify(token, keys, checks);
  } else {
    const secret = new TextEncoder().encode(config.secret);
    const checks = {
      ...options,
      algorithms: ['HS256'],
      ...(config.issuer && { issuer: config.issuer }),
      ...(config.audience && { audience: config.audience }),
    };
    verify = (token) => jwtVerify(token, secret, checks);
  }
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await verify(token));
      // jose checks `iat` only with a maximum token age; a token issued in the future is refused all the same.
      if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + CLOCK_TOLERANCE_SECONDS) throw new errors.JWTClaimValidationFailed('"iat" claim is in the future', payload, 'iat', 'check_failed');
      if (lifetimeSeconds(payload) > config.maxLifetimeSeconds + CLOCK_TOLERANCE_SECONDS) throw new errors.JWTClaimValidationFailed('"exp" claim is too far from "iat"', payload, 'exp', 'check_failed');
    } catch (error) {
      // A JWKS endpoint that cannot be reached or answers garbage is our outage, not the caller's fault.
      if (!(error instanceof errors.JOSEError) || error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
        throw new ServiceUnavailableError('Cannot verify tokens right now');
      }
      throw new UnauthorizedError(describe(error));
    }
    return principalFromClaims(payload);
  };
}
