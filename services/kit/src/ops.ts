import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from './logger.js';

/** One dependency's state, as `/ready` reports it. */
export interface CheckResult {
  ok: boolean;
  detail?: string;
  /**
   * Set on a failed check that means "working, but behind" (a projection past its lag
   * threshold) rather than "broken": a caller that only needs the service to be up (the
   * gateway checking its dependencies) may count it as up. See `onlyBehind`.
   */
  behind?: boolean;
}

export type ReadinessCheck = () => Promise<CheckResult> | CheckResult;

export interface OpsOptions {
  service: string;
  checks: Record<string, ReadinessCheck>;
  metrics: Registry;
}

async function runCheck(check: ReadinessCheck): Promise<CheckResult> {
  try {
    return await Promise.race([
      Promise.resolve(check()),
      new Promise<CheckResult>((resolve) => setTimeout(() => resolve({ ok: false, detail: 'check timed out' }), 2_000).unref()),
    ]);
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
}

/**
 * A check whose result is reused for `ttlMs` (default 1 s), and whose run in flight is
 * shared: a burst of `/ready` calls costs the dependencies one round of checks, not one
 * per call.
 */
export function cachedCheck(check: ReadinessCheck, ttlMs = 1_000, now: () => number = Date.now): ReadinessCheck {
  let last: { result: CheckResult; at: number } | undefined;
  let running: Promise<CheckResult> | undefined;
  return () => {
    if (last && now() - last.at < ttlMs) return last.result;
    running ??= runCheck(check).then((result) => {
      last = { result, at: now() };
      running = undefined;
      return result;
    });
    return running;
  };
}

/** `cachedCheck` over each of `checks`. */
export function cachedChecks(checks: Record<string, ReadinessCheck>, ttlMs = 1_000): Record<string, ReadinessCheck> {
  return Object.fromEntries(Object.entries(checks).map(([name, check]) => [name, cachedCheck(check, ttlMs)]));
}

/** Runs every check; ready only when all pass. */
export async function readiness(checks: Record<string, ReadinessCheck>): Promise<{ ready: boolean; checks: Record<string, CheckResult> }> {
  const entries = await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await runCheck(check)] as const));
  return { ready: entries.every(([, result]) => result.ok), checks: Object.fromEntries(entries) };
}

/**
 * Whether a `/ready` answer says "not ready" only because of checks marked `behind`: the
 * service is up and connected, its data is merely stale.
 */
export function onlyBehind(body: unknown): boolean {
  const checks = (body as { checks?: unknown } | null)?.checks;
  if (typeof checks !== 'object' || checks === null) return false;
  const failed = Object.values(checks as Record<string, Partial<CheckResult>>).filter((check) => check?.ok !== true);
  return failed.length > 0 && failed.every((check) => check.behind === true);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/**
 * Answers `GET /health` (alive), `GET /ready` (200 or 503 with the reason of each
 * check) and `GET /metrics` (Prometheus text). Returns false for any other request,
 * so an Express app can mount it in front of its routes.
 */
export async function handleOpsRequest(req: IncomingMessage, res: ServerResponse, options: OpsOptions): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = (req.url ?? '').split('?')[0];
  switch (path) {
    case '/health':
      sendJson(res, 200, { status: 'ok', service: options.service });
      return true;
    case '/ready': {
      const report = await readiness(options.checks);
      sendJson(res, report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'not_ready', service: options.service, checks: report.checks });
      return true;
    }
    case '/metrics':
      res.writeHead(200, { 'content-type': options.metrics.contentType });
      res.end(await options.metrics.metrics());
      return true;
    default:
      return false;
  }
}

/** A small HTTP server for services that serve nothing else (relay, projectors). */
export async function startOpsServer(options: OpsOptions & { port: number; host?: string; logger: Logger }): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    handleOpsRequest(req, res, options)
      .then((handled) => {
        if (!handled) sendJson(res, 404, { error: { code: 'not_found', message: 'Not found' } });
      })
      .catch((error: Error) => {
        options.logger.error('ops request failed', { error: error.message });
        if (!res.headersSent) sendJson(res, 500, { error: { code: 'internal', message: 'Internal error' } });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  return server;
}

export function listeningPort(server: http.Server): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}
