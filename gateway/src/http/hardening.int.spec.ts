import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import express from 'express';
import { closeServer, createLogger, listeningPort } from '@dreamcatcher/service-kit';
import { useGateway } from '../testing/gateway-fixture.js';
import { openWs } from '../testing/live-clients.js';
import { errorHandler } from './errors.js';
import { requestContext } from './request-context.js';

const HUB = 'https://hub.dreamcatcher.test';
const EXTENSION = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
const A_DREAM = '3f6c2a1e-8b4d-4c7a-9e21-5d0f7b8a9c14';

describe('gateway: hardening', () => {
  describe('limits, CORS, headers and errors', () => {
    const gw = useGateway({ env: { BODY_LIMIT: '2kb', CORS_ORIGINS: `${EXTENSION},${HUB}` } });
    let token: string;

    before(async () => {
      token = await gw.token('harry');
    });

    it('refuses a body over the limit with 413', async () => {
      const reply = await gw.call('POST', '/dreams', { token, body: { title: 'Big', description: 'x'.repeat(4096) } });
      expect(reply.status).to.equal(413);
      expect(reply.body.error.code).to.equal('payload_too_large');
    });

    it('answers malformed JSON with 400, without parser internals', async () => {
      const reply = await gw.call('POST', '/dreams', { token, raw: '{"title": ' });
      expect(reply.status).to.equal(400);
      expect(reply.body).to.deep.equal({ error: { code: 'validation_failed', message: 'Request body is not valid JSON' } });
    });

    it('answers unknown routes with 404 route_not_found and malformed ids with 404', async () => {
      expect((await gw.call('GET', '/nowhere', { token })).body.error.code).to.equal('route_not_found');
      const malformed = await gw.call('GET', '/dreams/42/history', { token });
      expect(malformed.status).to.equal(404);
      expect(malformed.body.error.code).to.equal('not_found');
      expect((await gw.call('GET', "/dreams/1' OR '1'='1/history", { token })).status).to.equal(404);
      const undecodable = await gw.call('GET', '/dreams/%E0%A4%A/history', { token });
      expect(undecodable.status).to.equal(404);
      expect(undecodable.body.error.code).to.equal('not_found');
    });

    it('allows the configured origins, and only them', async () => {
      for (const origin of [EXTENSION, HUB]) {
        const preflight = await gw.call('OPTIONS', '/dreams', {
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' },
        });
        expect(preflight.status, origin).to.equal(204);
        expect(preflight.headers.get('access-control-allow-origin')).to.equal(origin);
        expect(preflight.headers.get('access-control-allow-headers')).to.match(/Idempotency-Key/i);
      }
      const simple = await gw.call('GET', `/dreams/${A_DREAM}/history`, { token, headers: { origin: HUB } });
      expect(simple.headers.get('access-control-allow-origin')).to.equal(HUB);
      expect(simple.headers.get('access-control-expose-headers')).to.match(/ETag/).and.match(/X-Stale/);
      const evil = await gw.call('OPTIONS', '/dreams', { headers: { origin: 'https://evil.test', 'access-control-request-method': 'POST' } });
      expect(evil.headers.get('access-control-allow-origin')).to.equal(null);
    });

    it('sets security headers', async () => {
      const reply = await gw.call('GET', '//health');
      expect(reply.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(reply.headers.get('content-security-policy')).to.contain("default-src 'none'");
      expect(reply.headers.get('strict-transport-security')).to.match(/max-age/);
      expect(reply.headers.get('x-powered-by')).to.equal(null);
    });

    it('echoes request and correlation ids, makes new ones when absent, and logs them with every request', async () => {
      const given = await gw.call('GET', '/nowhere', { headers: { 'x-request-id': 'req-abc', 'x-correlation-id': 'corr-abc' } });
      expect(given.headers.get('x-request-id')).to.equal('req-abc');
      expect(given.headers.get('x-correlation-id')).to.equal('corr-abc');
      const fresh = await gw.call('GET', '/nowhere', { headers: { 'x-request-id': 'bad id with spaces' } });
      expect(fresh.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
      expect(fresh.headers.get('x-correlation-id')).to.match(/^[0-9a-f-]{36}$/);
      const line = gw.logLines.map((text) => JSON.parse(text)).find((entry) => entry.requestId === 'req-abc');
      expect(line).to.include({ message: 'request', correlationId: 'corr-abc', status: 404, route: 'unmatched' });
    });

    it('answers /health alone on the public port, and /ready and /metrics on the ops port', async () => {
      expect((await gw.call('GET', '//health')).body).to.deep.equal({ status: 'ok' });
      for (const path of ['//ready', '//metrics']) expect((await gw.call('GET', path)).status, path).to.equal(404);
      expect((await gw.ops('/health')).status).to.equal(200);
      const ready = await gw.ops('/ready');
      expect(ready.status, ready.text).to.equal(200);
      expect(ready.body.checks).to.have.keys('database', 'commandService', 'notifications');
      await gw.call('GET', `/dreams/${A_DREAM}/history`, { token });
      const metrics = (await gw.ops('/metrics')).text;
      expect(metrics).to.match(/http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/dreams\/:id\/history"/);
      expect(metrics).to.match(/http_requests_total\{[^}]*status="404"/);
    });
  });

  describe('rate limiting', () => {
    const gw = useGateway({ env: { RATE_LIMIT_PER_MINUTE: '3' } });

    it('gives each caller its own bucket and answers 429 with Retry-After when it is empty', async () => {
      const ivy = await gw.token('ivy');
      const jack = await gw.token('jack');
      const path = `/dreams/${A_DREAM}/history`;
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await gw.call('GET', path, { token: ivy })).status);
      expect(statuses).to.deep.equal([404, 404, 404, 429]);
      const limited = await gw.call('GET', path, { token: ivy });
      expect(limited.headers.get('retry-after')).to.equal('20');
      expect(limited.body.error.code).to.equal('rate_limited');
      expect((await gw.call('GET', path, { token: jack })).status).to.equal(404);
    });

    it('limits anonymous callers by address, bad credentials included', async () => {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await gw.call('GET', '/dreams', { headers: { authorization: 'Bearer forged' } })).status);
      expect(statuses).to.deep.equal([401, 401, 401, 429]);
    });

    it('counts WebSocket upgrades against the same allowance (the address above has spent it)', async () => {
      const refused = await openWs(`${gw.url.replace('http', 'ws')}/ws?token=${await gw.token('ivy')}`).then(
        () => undefined,
        (error: { status?: number }) => error,
      );
      expect(refused?.status).to.equal(429);
    });

    it('never limits the ops endpoints', async () => {
      for (let i = 0; i < 5; i++) expect((await gw.call('GET', '//health')).status).to.equal(200);
    });
  });

  describe('readiness', () => {
    const gw = useGateway({ commandService: false, env: { READY_DEPENDENCIES: 'http://127.0.0.1:9' } });

    it('is not ready while the command service or a dependency is down, and says which', async () => {
      const ready = await gw.ops('/ready');
      expect(ready.status).to.equal(503);
      expect(ready.body.checks.commandService.ok).to.equal(false);
      expect(ready.body.checks['dependency http://127.0.0.1:9'].ok).to.equal(false);
      expect(ready.body.checks.database.ok).to.equal(true);
    });

    it('answers 503 to commands while the command service is unreachable', async () => {
      const reply = await gw.call('POST', '/dreams', { token: await gw.token('kim'), body: { title: 'Nobody home' } });
      expect(reply.status).to.equal(503);
      expect(reply.headers.get('retry-after')).to.equal('1');
    });
  });

  describe('unexpected errors', () => {
    let server: Server;
    let url: string;
    const lines: string[] = [];

    before(async () => {
      const logger = createLogger({ service: 'test', stream: new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }) });
      const app = express();
      app.use(requestContext(logger));
      app.get('/boom', () => {
        throw new Error('duplicate key value violates unique constraint "api_keys_pkey" -- SELECT * FROM gateway.api_keys');
      });
      app.use(errorHandler(logger));
      server = await new Promise<Server>((resolve) => {
        const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
      });
      url = `http://127.0.0.1:${listeningPort(server)}`;
    });

    after(() => closeServer(server));

    it('are a bare 500 for the caller and a logged error with the stack for operators', async () => {
      const res = await fetch(`${url}/boom`, { headers: { 'x-request-id': 'req-boom' } });
      expect(res.status).to.equal(500);
      expect(await res.json()).to.deep.equal({ error: { code: 'internal', message: 'Internal error' } });
      const logged = lines.map((line) => JSON.parse(line)).find((entry) => entry.message === 'request failed');
      expect(logged).to.include({ requestId: 'req-boom', level: 'error' });
      expect(logged.stack).to.contain('Error: duplicate key');
    });
  });
});
