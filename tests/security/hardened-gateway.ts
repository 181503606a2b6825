/**
 * A second gateway process beside the shared test system, configured as production is:
 * tokens from a JWKS (RS256 keys published by a local identity provider) with issuer and
 * audience checked, a low rate limit and a short request deadline, so that the security
 * suite can try what only that configuration refuses. It shares the system's database and
 * command service. `env` overrides its settings, for cases that need other limits.
 */
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { closeServer, listeningPort } from '@dreamcatcher/service-kit';
import { startSystem, waitForReady, type RunningSystem } from '../../scripts/system.mjs';
import { freePort, type TestSystem } from '../support/system.js';

export const ISSUER = 'https://id.dreamcatcher.test/';
export const AUDIENCE = 'dreamcatcher-api';
export const KEY_ID = 'signing-key-1';
export const RATE_LIMIT_PER_MINUTE = 60;
export const REQUEST_TIMEOUT_MS = 1_500;

export interface HardenedGateway {
  /** e.g. http://127.0.0.1:PORT/api/v1 */
  api: string;
  url: string;
  /** Its ops port: /ready and /metrics. */
  opsUrl: string;
  /** The identity provider's key pair: what a real token is signed with. */
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** A token the gateway accepts (RS256, right key, issuer and audience). */
  token(sub: string, roles?: string[]): Promise<string>;
  stop(): Promise<void>;
}

export async function startHardenedGateway(system: TestSystem, env: Record<string, string> = {}): Promise<HardenedGateway> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid: KEY_ID, alg: 'RS256', use: 'sig' };
  const jwks: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${listeningPort(jwks)}/.well-known/jwks.json`;

  const shared = system.running.plan.find((service) => service.name === 'gateway')!;
  const port = await freePort();
  const opsPort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const opsUrl = `http://127.0.0.1:${opsPort}`;
  const plan = [
    {
      name: 'gateway-hardened',
      entry: shared.entry,
      env: {
        ...shared.env,
        PORT: String(port),
        OPS_PORT: String(opsPort),
        JWT_JWKS_URL: jwksUrl,
        JWT_ISSUER: ISSUER,
        JWT_AUDIENCE: AUDIENCE,
        RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE),
        REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        LOG_LEVEL: 'warn',
        ...env,
      },
      url,
      opsUrl,
    },
  ];
  const output: string[] = [];
  const running: RunningSystem = startSystem(plan, { mode: 'source', stdio: 'pipe', onOutput: (_name, text) => output.push(text) });
  const stop = async () => {
    await running.stop();
    await closeServer(jwks);
  };
  try {
    await waitForReady(`${url}/health`, { timeoutMs: 120_000 });
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output.join('').slice(-2_000)}`);
  }
  return {
    api: `${url}/api/v1`,
    url,
    opsUrl,
    privateKey,
    publicJwk,
    token: (sub, roles = ['user']) =>
      new SignJWT({ roles }).setProtectedHeader({ alg: 'RS256', kid: KEY_ID }).setSubject(sub).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('10m').sign(privateKey),
    stop,
  };
}
