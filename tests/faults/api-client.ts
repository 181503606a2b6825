/**
 * The smallest client of the API the reliability suites need: tokens that outlive a long
 * run (the test system's own last ten minutes), and one JSON request with a timeout.
 */
import { SignJWT } from 'jose';
import { DEVELOPMENT_ENV } from '../../scripts/system.mjs';

const secret = new TextEncoder().encode(DEVELOPMENT_ENV.JWT_SECRET);

/** A real HS256 token for `sub`, signed with the system's development secret, valid `ttlSeconds`. */
export function signToken(sub: string, roles: string[] = ['user'], ttlSeconds = 3 * 3600): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt(now).setExpirationTime(now + ttlSeconds).sign(secret);
}

export interface JsonAnswer {
  status: number;
  headers: Headers;
  // The suites read whatever an answer holds.
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface JsonRequest {
  method: string;
  url: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** Sends one request; throws when no HTTP answer came (refused, reset, timed out). */
export async function requestJson({ method, url, token, body, headers = {}, timeoutMs = 30_000 }: JsonRequest): Promise<JsonAnswer> {
  const res = await fetch(url, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: res.status, headers: res.headers, body: parsed };
}
