import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import pg from 'pg';
import { createEventStore } from '@dreamcatcher/event-store';
import { closeServer, createLogger, createMetricsRegistry, listeningPort } from '@dreamcatcher/service-kit';
import { TEST_TOKEN, useCommandService } from '../testing/command-service-fixture.js';
import { createCommandService } from './app.js';

describe('command service: authentication and operations', () => {
  const service = useCommandService();

  it('answers 401 without the service token or with a wrong one', async () => {
    const none = await service.post('CreateDream', { title: 'Who am I' }, { token: null });
    expect(none.status).to.equal(401);
    expect(none.body.error.code).to.equal('unauthorized');
    expect(none.headers.get('www-authenticate')).to.equal('Bearer');
    expect((await service.post('CreateDream', { title: 'Who am I' }, { token: `${TEST_TOKEN}x` })).status).to.equal(401);
    expect((await service.post('CreateDream', { title: 'Who am I' }, { token: '' })).status).to.equal(401);
  });

  it('serves health and readiness without a token', async () => {
    expect((await service.request('/health')).body).to.include({ status: 'ok' });
    const ready = await service.request('/ready');
    expect(ready.status).to.equal(200);
    expect(ready.body.checks.database.ok).to.equal(true);
    expect(ready.body.checks.eventStore.ok).to.equal(true);
  });

  it('counts commands by type and outcome, appends and durations', async () => {
    await service.post('CreateDream', { title: 'Counted dream' });
    await service.post('CreateDream', { title: 'x' });
    const metrics = await service.request('/metrics');
    expect(metrics.status).to.equal(200);
    expect(metrics.body).to.match(/commands_total\{[^}]*type="CreateDream",outcome="ok"[^}]*\} 1/);
    expect(metrics.body).to.match(/commands_total\{[^}]*type="CreateDream",outcome="rejected"[^}]*\} 1/);
    expect(metrics.body).to.match(/command_appends_total\{[^}]*type="CreateDream"[^}]*\} 1/);
    expect(metrics.body).to.match(/command_duration_seconds_count\{[^}]*type="CreateDream",outcome="ok"[^}]*\} 1/);
    expect(metrics.body).to.include('command_conflicts_total');
    expect(metrics.body).to.include('command_retries_total');
  });
});

describe('command service: store unreachable', () => {
  // A pool on a port where nothing listens: every query fails to connect.
  const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/nowhere', connectionTimeoutMillis: 1_000 });
  let server: Server;
  let baseUrl: string;

  before(async () => {
    const store = await createEventStore({ kind: 'postgres', pool }, { migrate: false });
    const { app } = createCommandService({
      store,
      pool,
      logger: createLogger({ service: 'command-service-test', level: 'error', stream: new Writable({ write: (_c, _e, done) => done() }) }),
      metrics: createMetricsRegistry('command-service-test'),
      token: TEST_TOKEN,
    });
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    baseUrl = `http://127.0.0.1:${listeningPort(server)}`;
  });
  after(async () => {
    await closeServer(server);
    await pool.end();
  });

  const post = (body: unknown) =>
    fetch(`${baseUrl}/commands/CreateDream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('answers 503 with Retry-After, with or without an idempotency key', async () => {
    for (const idempotencyKey of [undefined, 'down-1']) {
      const response = await post({ data: { title: 'Nowhere to go' }, metadata: { userId: 'user-1', roles: ['user'] }, idempotencyKey });
      expect(response.status).to.equal(503);
      expect(response.headers.get('retry-after')).to.equal('1');
      expect(((await response.json()) as { error: { code: string } }).error.code).to.equal('unavailable');
    }
  });

  it('still answers 400 for bad input, before touching the store', async () => {
    const response = await post({ data: { title: 'x' }, metadata: { userId: 'user-1', roles: ['user'] } });
    expect(response.status).to.equal(400);
  });

  it('reports not ready', async () => {
    const response = await fetch(`${baseUrl}/ready`);
    expect(response.status).to.equal(503);
  });
});
