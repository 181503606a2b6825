/**
 * Bearer tokens as an attacker makes them: signed with the wrong key or none, tampered with,
 * out of their time window, of the wrong algorithm, issuer or audience, or signed with a
 * public key used as an HMAC secret (key confusion), with a key of the attacker's own
 * embedded in the header or fetched from a URL of the attacker's choosing.
 */
import { base64url, exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { DEVELOPMENT_ENV } from '../../scripts/system.mjs';

export const DEV_SECRET = new TextEncoder().encode(DEVELOPMENT_ENV.JWT_SECRET);
const now = () => Math.floor(Date.now() / 1000);
const part = (value: unknown) => base64url.encode(JSON.stringify(value));

/** An unsigned token (`alg` as given, empty signature). */
export function unsigned(claims: JWTPayload, alg = 'none'): string {
  return `${part({ alg, typ: 'JWT' })}.${part(claims)}.`;
}

/** Replaces the payload of a signed token, keeping its header and signature. */
export function tampered(token: string, claims: JWTPayload): string {
  const [header, , signature] = token.split('.');
  return `${header}.${part(claims)}.${signature}`;
}

/** HS256 (or `alg`) over `claims` with `secret`; `exp` ten minutes ahead unless the claims say otherwise. */
export function hmac(claims: JWTPayload, secret: Uint8Array = DEV_SECRET, alg = 'HS256', header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ exp: now() + 600, iat: now(), ...claims }).setProtectedHeader({ ...header, alg }).sign(secret);
}

export interface Attacker {
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** RS256 with the attacker's key and the given header fields. */
  sign(claims: JWTPayload, header?: Record<string, unknown>): Promise<string>;
}

export async function attacker(): Promise<Attacker> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return {
    privateKey,
    publicJwk,
    sign: (claims, header = {}) => new SignJWT({ exp: now() + 600, iat: now(), ...claims }).setProtectedHeader({ alg: 'RS256', ...header }).sign(privateKey),
  };
}

/** The key confusion attack: HS256 "signed" with the identity provider's public key, as PEM and as JWK text. */
export async function keyConfused(publicKey: JWK, claims: JWTPayload, kid: string): Promise<string[]> {
  const { importJWK } = await import('jose');
  const key = (await importJWK(publicKey, 'RS256', { extractable: true })) as CryptoKey;
  const pem = await exportSPKI(key);
  return Promise.all([pem, pem.trim(), JSON.stringify(publicKey)].map((secret) => hmac(claims, new TextEncoder().encode(secret), 'HS256', { kid })));
}

export { now };
