/**
 * Abuse of the gateway's resources: getting around the rate limit (forwarding headers,
 * fresh garbage credentials, odd spellings of a path, a second token for the same user),
 * bodies and heads too large, and clients that send their request so slowly that they hold
 * a connection. The rate limit and the request deadline are tried on the hardened gateway,
 * which has a low limit and a short deadline.
 */
import { connect } from 'node:net';
import type { SecurityContext } from './context.js';
import { RATE_LIMIT_PER_MINUTE, REQUEST_TIMEOUT_MS } from './hardened-gateway.js';
import { send } from '../fuzz/raw-http.js';
import { statusIs } from './report.js';

const LIMITS = 'rate-limit bypass';
const BODIES = 'oversized and slow bodies';

/** Writes `parts` to a raw connection one every `gapMs`; resolves with the answer and when the connection ended. */
function trickle(url: string, parts: (string | Buffer)[], gapMs: number, timeoutMs = 20_000): Promise<{ answer: string; ms: number }> {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => socket.destroy(), timeoutMs);
    const next = (index: number) => {
      if (index >= parts.length || socket.destroyed) return;
      socket.write(parts[index]!);
      timer = setTimeout(() => next(index + 1), gapMs);
    };
    socket.on('connect', () => next(0));
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error)));
    socket.on('close', () => {
      clearTimeout(timer);
      clearTimeout(giveUp);
      resolve({ answer, ms: Date.now() - started });
    });
  });
}

export async function rateLimitCases(ctx: SecurityContext): Promise<void> {
  const { report, hardened } = ctx;
  const api = hardened.api;
  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') => send({ method, url: `${api}${path}`, headers });
  const limited = async (name: string, attempt: () => Promise<number>) => report.check(LIMITS, name, '429', async () => statusIs(await attempt(), 429));

  await report.check(LIMITS, `anonymous burst of ${RATE_LIMIT_PER_MINUTE + 10}`, `429 by request ${RATE_LIMIT_PER_MINUTE + 1}, with Retry-After`, async () => {
    let first = 0;
    let retryAfter: string | undefined;
    for (let index = 1; index <= RATE_LIMIT_PER_MINUTE + 10; index++) {
      const reply = await get('/dreams');
      if (reply.status === 429 && !first) {
        first = index;
        retryAfter = reply.headers['retry-after'] as string | undefined;
      }
    }
    return { passed: first > 0 && first <= RATE_LIMIT_PER_MINUTE + 1 && Number(retryAfter) >= 1, actual: first ? `first 429 at request ${first}, Retry-After ${retryAfter}` : 'never limited' };
  });
  // The address's allowance is spent: anything still counted against it must be refused.
  for (const header of ['x-forwarded-for', 'x-real-ip', 'forwarded', 'true-client-ip', 'cf-connecting-ip', 'x-client-ip']) {
    await limited(`spoofed ${header}`, async () => (await get('/dreams', { [header]: header === 'forwarded' ? 'for=203.0.113.9' : `203.0.113.${Math.floor(Math.random() * 250)}` })).status);
  }
  await limited('a fresh garbage bearer token', async () => (await get('/dreams', { authorization: `Bearer ${Math.random().toString(36)}.x.y` })).status);
  await limited('a fresh garbage API key', async () => (await get('/dreams', { authorization: `ApiKey dc_${'0'.repeat(12)}_${'A'.repeat(43)}` })).status);
  for (const path of ['/DREAMS', '//dreams', '/dreams/', '/%64reams', '/no-such-route']) await limited(`path spelled ${path}`, async () => (await get(path)).status);
  await limited('HEAD instead of GET', async () => (await get('/dreams', {}, 'HEAD')).status);
  await report.check(LIMITS, 'a CORS preflight (OPTIONS) from an origin not configured', '429, no allow-origin', async () => {
    const reply = await get('/dreams', { origin: 'https://evil.example', 'access-control-request-method': 'POST' }, 'OPTIONS');
    return { passed: reply.status === 429 && reply.headers['access-control-allow-origin'] === undefined, actual: `${reply.status}, allow-origin ${reply.headers['access-control-allow-origin'] ?? 'none'}` };
  });

  const user = `${ctx.bob.id}-limited`;
  const token = await hardened.token(user);
  await report.check(LIMITS, `a user's own allowance of ${RATE_LIMIT_PER_MINUTE}`, `429 by request ${RATE_LIMIT_PER_MINUTE + 1}`, async () => {
    let first = 0;
    for (let index = 1; index <= RATE_LIMIT_PER_MINUTE + 5 && !first; index++) {
      if ((await get('/dreams', { authorization: `Bearer ${token}`, 'x-forwarded-for': `198.51.100.${index % 250}` })).status === 429) first = index;
    }
    return { passed: first > 0 && first <= RATE_LIMIT_PER_MINUTE + 1, actual: first ? `first 429 at request ${first}` : 'never limited' };
  });
  await limited('a second token for the same user', async () => (await get('/dreams', { authorization: `Bearer ${await hardened.token(user, ['user', 'auditor'])}` })).status);
  await report.check(LIMITS, 'another user meanwhile', '200 (limits are per caller)', async () => statusIs((await get('/dreams', { authorization: `Bearer ${await hardened.token(`${user}-other`)}` })).status, 200));
  await report.check(LIMITS, 'the same user a little later', '200 (a token bucket, not a ban)', async () => {
    await new Promise((resolve) => setTimeout(resolve, Math.ceil(60_000 / RATE_LIMIT_PER_MINUTE) + 300));
    return statusIs((await get('/dreams', { authorization: `Bearer ${token}` })).status, 200);
  });
}

export async function bodyCases(ctx: SecurityContext): Promise<void> {
  const { report, bob, system, hardened } = ctx;
  // Connection: close, so that each raw exchange ends with the answer instead of idling until keep-alive runs out.
  const head = (path: string, extra: string) => `POST /api/v1${path} HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\nAuthorization: Bearer ${bob.token}\r\nContent-Type: application/json\r\n${extra}\r\n`;
  const big = JSON.stringify({ title: 'Big', description: 'x'.repeat(2 * 1024 * 1024) });

  await report.check(BODIES, 'a 2 MB body (limit 1 MB)', '413, quickly', async () => {
    const reply = await ctx.call('POST', '/dreams', { token: bob.token, body: JSON.parse(big) });
    return { passed: reply.status === 413 && reply.ms < 5_000, actual: `${reply.status} in ${Math.round(reply.ms)} ms` };
  });
  await report.check(BODIES, 'a 2 MB body sent chunked, without Content-Length', '413', async () => {
    const chunks = [head('/dreams', 'Transfer-Encoding: chunked\r\n')];
    for (let at = 0; at < big.length; at += 256 * 1024) {
      const piece = big.slice(at, at + 256 * 1024);
      chunks.push(`${Buffer.byteLength(piece).toString(16)}\r\n${piece}\r\n`);
    }
    chunks.push('0\r\n\r\n');
    const { answer } = await trickle(system.gatewayUrl, [chunks.join('')], 0, 15_000);
    return { passed: /^HTTP\/1\.1 413/.test(answer), actual: answer.split('\r\n')[0] ?? 'no answer' };
  });
  await report.check(BODIES, 'Content-Length of 10 GB, body never sent', '413 at once, before reading', async () => {
    const { answer, ms } = await trickle(system.gatewayUrl, [head('/dreams', 'Content-Length: 10737418240\r\n')], 0, 10_000);
    return { passed: /^HTTP\/1\.1 413/.test(answer) && ms < 5_000, actual: `${answer.split('\r\n')[0] || 'no answer'} in ${ms} ms` };
  });
  // Node refuses a head over 16 KB itself: it answers 431 and drops the connection, often before the client has finished writing.
  const oversizedHead = async (request: string): Promise<{ passed: boolean; actual: string }> => {
    const { answer } = await trickle(system.gatewayUrl, [request], 0, 10_000);
    const status = answer.split('\r\n')[0] || 'connection closed';
    const alive = (await send({ method: 'GET', url: `${system.gatewayUrl}/health` })).status === 200;
    return { passed: !/^HTTP\/1\.1 2/.test(answer) && (status === 'connection closed' || /^HTTP\/1\.1 431/.test(status)) && alive, actual: `${status}; gateway ${alive ? 'still serving' : 'DOWN'}` };
  };
  await report.check(BODIES, 'a 64 KB header', '431 or dropped', () => oversizedHead(`GET /api/v1/dreams HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\nX-Padding: ${'p'.repeat(64 * 1024)}\r\n\r\n`));
  await report.check(BODIES, 'a 64 KB query string', '431 or dropped', () => oversizedHead(`GET /api/v1/dreams?q=${'q'.repeat(64 * 1024)} HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n`));

  const deadline = REQUEST_TIMEOUT_MS + 2_000;
  await report.check(BODIES, `a body trickled in, a byte per 300 ms (deadline ${REQUEST_TIMEOUT_MS} ms)`, `408 within ${deadline} ms`, async () => {
    const body = JSON.stringify({ title: 'Slowly, slowly' });
    const parts = [head('/dreams', `Content-Length: ${body.length}\r\n`), ...body.split('')];
    const { answer, ms } = await trickle(hardened.url, parts, 300);
    return { passed: /^HTTP\/1\.1 408/.test(answer) && ms < deadline, actual: `${answer.split('\r\n')[0] || 'closed'} after ${ms} ms` };
  });
  await report.check(BODIES, 'a head that never ends (slowloris)', `closed within ${deadline} ms`, async () => {
    const parts = ['GET /api/v1/dreams HTTP/1.1\r\n', ...Array.from({ length: 40 }, (_, index) => `X-Slow-${index}: ${index}\r\n`)];
    const { answer, ms } = await trickle(hardened.url, parts, 300);
    return { passed: !/^HTTP\/1\.1 2/.test(answer) && ms < deadline, actual: `${answer.split('\r\n')[0] || 'closed'} after ${ms} ms` };
  });
  await report.check(BODIES, '50 slow clients at once', 'a normal request still answered at once', async () => {
    const slow = Array.from({ length: 50 }, () => trickle(hardened.url, ['GET /api/v1/dreams HTTP/1.1\r\n', 'X-A: 1\r\n', 'X-B: 1\r\n', 'X-C: 1\r\n'], 400));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const reply = await send({ method: 'GET', url: `${hardened.url}/health` });
    await Promise.all(slow);
    return { passed: reply.status === 200 && reply.ms < 1_000, actual: `${reply.status} in ${Math.round(reply.ms)} ms` };
  });
}
