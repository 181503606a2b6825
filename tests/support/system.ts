/**
 * The whole system for end-to-end tests: gateway, command service, relay and one projector
 * per projection, each a real process running its TypeScript sources (or its compiled
 * build), on a fresh database and a fresh RabbitMQ vhost that are dropped afterwards.
 */
import { createServer } from 'node:net';
import { SignJWT } from 'jose';
import { createTestDatabase, createTestVhost, type TestResource } from '@dreamcatcher/service-kit/testing';
import { DEVELOPMENT_ENV, planSystem, startSystem, waitForReady, type RunningSystem } from '../../scripts/system.mjs';

export interface TestSystem {
  running: RunningSystem;
  databaseUrl: string;
  amqpUrl: string;
  vhost: string;
  /** Base URL of the API, e.g. http://127.0.0.1:PORT/api/v1 */
  api: string;
  gatewayUrl: string;
  /** The gateway's ops port: /ready and /metrics (the public port serves /health only). */
  gatewayOpsUrl: string;
  /** A real HS256 token signed with the gateway's secret. */
  token(sub: string, roles?: string[], claims?: Record<string, unknown>): Promise<string>;
  /** Every line the services wrote, by service name. */
  logs: Map<string, string[]>;
  /** Waits until a killed service answers /ready again (on its ops URL). */
  waitReady(name: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `readyTimeoutMs`: how long to wait for the gateway's /ready (tracing every process makes
 * start-up slower). `mode`: `source` runs the TypeScript sources through tsx, `dist` the
 * compiled build (`npm run build` first), as `npm start` does.
 */
export async function startTestSystem({ env = {} as Record<string, string>, readyTimeoutMs = 90_000, mode = 'source' as 'source' | 'dist' } = {}): Promise<TestSystem> {
  const database: TestResource = await createTestDatabase('dc_e2e');
  const vhost: TestResource = await createTestVhost('dc_e2e');
  const ports = {
    gateway: await freePort(),
    gatewayOps: await freePort(),
    command: await freePort(),
    relay: await freePort(),
    projectors: await Promise.all([0, 1, 2, 3, 4, 5].map(() => freePort())),
  };
  const plan = planSystem({
    ports,
    env: { DATABASE_URL: database.url, AMQP_URL: vhost.url, LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '100000', ...env },
  });
  const logs = new Map<string, string[]>();
  const partial = new Map<string, string>();
  const running = startSystem(plan, {
    mode,
    stdio: 'pipe',
    // Output arrives in chunks that may end mid-line: a line is kept once it is whole.
    onOutput: (name, text) => {
      const lines = logs.get(name) ?? [];
      const parts = ((partial.get(name) ?? '') + text).split('\n');
      partial.set(name, parts.pop()!);
      lines.push(...parts.filter(Boolean));
      logs.set(name, lines);
    },
  });
  const gatewayUrl = running.url('gateway')!;
  const gatewayOpsUrl = running.opsUrl('gateway')!;
  const stop = async () => {
    await running.stop();
    await database.drop();
    await vhost.drop();
  };
  try {
    await waitForReady(`${gatewayOpsUrl}/ready`, { timeoutMs: readyTimeoutMs });
  } catch (error) {
    const tail = [...logs.entries()].map(([name, lines]) => `--- ${name}\n${lines.slice(-15).join('\n')}`).join('\n');
    await stop();
    throw new Error(`${(error as Error).message}\n${tail}`);
  }
  const secret = new TextEncoder().encode(plan[0]!.env.JWT_SECRET ?? DEVELOPMENT_ENV.JWT_SECRET);
  return {
    running,
    databaseUrl: database.url,
    amqpUrl: vhost.url,
    vhost: vhost.name,
    api: `${gatewayUrl}/api/v1`,
    gatewayUrl,
    gatewayOpsUrl,
    logs,
    token: (sub, roles = ['user'], claims = {}) =>
      new SignJWT({ roles, ...claims }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().setExpirationTime('10m').sign(secret),
    waitReady: (name, timeoutMs = 60_000) => waitForReady(`${running.opsUrl(name)}/ready`, { timeoutMs }),
    stop,
  };
}
