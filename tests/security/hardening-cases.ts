/**
 * Operations kept private and configuration read strictly: readiness and metrics only on the
 * gateway's ops port (and a burst of /ready costing its dependencies one round of checks), a
 * gateway that refuses to start on a misspelt NODE_ENV, a weak secret or HS256 in production,
 * errors of bounded size, erasure of an unknown id answered 404 without blocking it, no
 * cacheable answers to authenticated requests, and tokens of absurd lifetime refused.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { commandLine } from '../../scripts/system.mjs';
import { send } from '../fuzz/raw-http.js';
import { scrape, valueOf } from '../observability/support.js';
import { freePort, type TestSystem } from '../support/system.js';
import type { SecurityContext } from './context.js';
import { AUDIENCE, ISSUER, KEY_ID } from './hardened-gateway.js';
import { statusIs } from './report.js';
import { hmac, now } from './tokens.js';

const AREA = 'hardening';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY_BURST = 200;
const YEAR = 365 * 86_400;

/** Secrets production accepts (random, 32 bytes), so that a case fails on the one thing it varies. */
const strongSecrets = () => ({
  JWT_SECRET: randomBytes(32).toString('base64'),
  COMMAND_SERVICE_TOKEN: randomBytes(32).toString('base64'),
  DATA_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
});

/**
 * Starts a gateway process with the shared one's environment and `env` over it: `refused`
 * when it exits before its /health answers (with what it printed), else it is stopped.
 */
async function tryToStart(system: TestSystem, env: Record<string, string>): Promise<{ refused: boolean; output: string }> {
  const shared = system.running.plan.find((service) => service.name === 'gateway')!;
  const port = await freePort();
  const [command, args] = commandLine(shared.entry, 'source');
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...shared.env, PORT: String(port), OPS_PORT: String(await freePort()), LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = once(child, 'exit');
  const deadline = Date.now() + 90_000;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) return { refused: child.exitCode !== 0, output };
      const answered = await send({ method: 'GET', url: `http://127.0.0.1:${port}/health`, timeoutMs: 1_000 }).then((reply) => reply.status === 200, () => false);
      if (answered) return { refused: false, output: 'started and answered /health' };
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 250))]);
    }
    return { refused: false, output: 'neither started nor exited in 90 s' };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  }
}

async function opsCases(ctx: SecurityContext): Promise<void> {
  const { report, system, hardened } = ctx;
  for (const [name, base] of [['shared', system.gatewayUrl], ['hardened', hardened.url]] as const) {
    for (const path of ['/ready', '/metrics']) {
      await report.check(AREA, `${path} on the ${name} gateway's public port`, '404', async () => statusIs((await send({ method: 'GET', url: `${base}${path}` })).status, 404));
    }
    await report.check(AREA, `/health on the ${name} gateway's public port`, '200 {"status":"ok"}, nothing else', async () => {
      const reply = await send({ method: 'GET', url: `${base}/health` });
      return { passed: reply.status === 200 && reply.text === '{"status":"ok"}', actual: `${reply.status} ${reply.text.slice(0, 80)}` };
    });
  }
  await report.check(AREA, 'the ops port answers /ready and /metrics', '200 and 200 with Prometheus text', async () => {
    const ready = await send({ method: 'GET', url: `${system.gatewayOpsUrl}/ready` });
    const metrics = await send({ method: 'GET', url: `${system.gatewayOpsUrl}/metrics` });
    return { passed: ready.status === 200 && metrics.status === 200 && metrics.text.includes('http_requests_total'), actual: `${ready.status}, ${metrics.status}` };
  });
  const commandOps = system.running.opsUrl('command')!;
  await report.check(AREA, `a burst of ${READY_BURST} /ready calls (concurrency 100)`, 'one round of checks per second at most reaches the command service', async () => {
    const readyChecks = async () => valueOf(await scrape(commandOps), 'http_requests_total', { route: '/ready' });
    // Control: once the last round has aged out, a lone /ready does reach the command service.
    const idle = await readyChecks();
    await eventually(async () => (await send({ method: 'GET', url: `${system.gatewayOpsUrl}/ready` }), (await readyChecks()) > idle), { what: 'a /ready call to reach the command service', timeoutMs: 10_000 });
    const before = await readyChecks();
    const started = Date.now();
    let next = 0;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 100 }, async () => {
        while (next < READY_BURST) {
          next += 1;
          statuses.push((await send({ method: 'GET', url: `${system.gatewayOpsUrl}/ready` })).status);
        }
      }),
    );
    const ms = Date.now() - started;
    const reached = (await readyChecks()) - before;
    const bound = Math.ceil(ms / 1_000);
    return { passed: reached <= bound && statuses.every((status) => status === 200), actual: `${reached} reached it in ${ms} ms (a lone call did); statuses ${[...new Set(statuses)].join(',')}` };
  });
}

async function startupCases(ctx: SecurityContext): Promise<void> {
  const { report, system } = ctx;
  const refusal = (name: string, env: Record<string, string>, message: RegExp) =>
    report.check(AREA, name, `refuses to start, saying ${message.source}`, async () => {
      const { refused, output } = await tryToStart(system, env);
      return { passed: refused && message.test(output), actual: refused ? `refused: ${(message.exec(output)?.[0] ?? output.slice(-200)).replace(/\s+/g, ' ')}` : output };
    });
  await Promise.all([
    refusal('NODE_ENV=Production with JWT_SECRET=short', { NODE_ENV: 'Production', JWT_SECRET: 'short' }, /NODE_ENV must be exactly one of development, test, production/),
    refusal('production with JWT_SECRET of 32 identical characters (HS256 allowed)', { ...strongSecrets(), NODE_ENV: 'production', JWT_ALLOW_HS256: 'true', JWT_SECRET: 'a'.repeat(32) }, /JWT_SECRET is too predictable for production/),
    refusal('production with a strong JWT_SECRET but no JWKS (HS256)', { ...strongSecrets(), NODE_ENV: 'production' }, /production accepts only JWKS tokens/),
  ]);
}

async function answerCases(ctx: SecurityContext): Promise<void> {
  const { report, bob, alice, admin, hardened } = ctx;
  await report.check(AREA, 'a sync session of 60 invalid items (hundreds of violations)', '400 listing 20 violations, truncated: true', async () => {
    const reply = await ctx.call('POST', '/sync-sessions', { token: bob.token, body: { items: Array.from({ length: 60 }, (_, n) => ({ type: n, data: [n] })) } });
    const details = reply.json?.error?.details;
    return { passed: reply.status === 400 && details?.violations?.length === 20 && details?.truncated === true, actual: `${reply.status}, ${details?.violations?.length} violations, truncated ${details?.truncated}, ${reply.text.length} bytes` };
  });
  const ghost = `sec-ghost-${randomBytes(4).toString('hex')}`;
  await report.check(AREA, 'erase a user id that never stored anything', '404, and the id can still store data', async () => {
    const erased = await ctx.call('POST', `/admin/users/${ghost}/erase`, { token: admin.token });
    const later = await ctx.call('POST', '/dreams', { token: await ctx.system.token(ghost), body: { title: 'Still mine to write' } });
    return { passed: erased.status === 404 && later.status === 201, actual: `erase ${erased.status}, then POST /dreams ${later.status}` };
  });
  const noStore = async (name: string, method: string, path: string, token: string, body?: unknown) =>
    report.check(AREA, `Cache-Control on ${name}`, 'no-store', async () => {
      const reply = await ctx.call(method, path, { token, ...(body !== undefined && { body }) });
      const header = String(reply.headers['cache-control'] ?? 'none');
      return { passed: header === 'no-store', actual: `${reply.status} ${header}` };
    });
  await noStore("alice's dream", 'GET', `/dreams/${alice.dreamId}`, alice.token);
  await noStore("alice's dream list", 'GET', '/dreams', alice.token);
  await noStore("bob reading alice's dream (404)", 'GET', `/dreams/${alice.dreamId}`, bob.token);
  await noStore('a search', 'GET', '/search?q=plan', alice.token);
  const sub = { sub: bob.id, roles: ['user'] };
  const refused = (name: string, token: string, base?: string) =>
    report.check(AREA, name, '401', async () => {
      const reply = await ctx.call('GET', '/dreams', { token }, base);
      return { passed: reply.status === 401, actual: `${reply.status} ${reply.json?.error?.message ?? ''}` };
    });
  await refused('HS256 token valid for 10 years', await hmac({ ...sub, iat: now(), exp: now() + 10 * YEAR }));
  await refused('HS256 token without iat, valid for 2 days', await hmac({ ...sub, iat: undefined, exp: now() + 2 * 86_400 }));
  await refused(
    'JWKS: RS256 token of the identity provider valid for 10 years',
    await new SignJWT({ roles: ['user'] }).setProtectedHeader({ alg: 'RS256', kid: KEY_ID }).setSubject(bob.id).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime(now() + 10 * YEAR).sign(hardened.privateKey),
    hardened.api,
  );
}

export async function hardeningCases(ctx: SecurityContext): Promise<void> {
  await opsCases(ctx);
  await startupCases(ctx);
  await answerCases(ctx);
}
