import { expect } from 'chai';
import { Counter } from 'prom-client';
import { createLogger } from './logger.js';
import { createMetricsRegistry } from './metrics.js';
import { closeServer, listeningPort, startOpsServer } from './ops.js';

describe('ops endpoints', () => {
  const metrics = createMetricsRegistry('probe');
  const handled = new Counter({ name: 'probe_things_total', help: 'things', registers: [metrics] });
  let brokerUp = false;
  let base = '';
  let server: Awaited<ReturnType<typeof startOpsServer>>;

  before(async () => {
    server = await startOpsServer({
      port: 0,
      service: 'probe',
      metrics,
      logger: createLogger({ service: 'probe', level: 'error' }),
      checks: {
        database: () => ({ ok: true }),
        broker: () => (brokerUp ? { ok: true } : { ok: false, detail: 'not connected to RabbitMQ' }),
        slow: () => new Promise((resolve) => setTimeout(() => resolve({ ok: true }), 10)),
      },
    });
    base = `http://127.0.0.1:${listeningPort(server)}`;
  });
  after(() => closeServer(server));

  it('is alive on /health', async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ status: 'ok', service: 'probe' });
  });

  it('says why it is not ready, and becomes ready when every check passes', async () => {
    const notReady = await fetch(`${base}/ready`);
    expect(notReady.status).to.equal(503);
    expect(await notReady.json()).to.deep.include({ status: 'not_ready', checks: { database: { ok: true }, broker: { ok: false, detail: 'not connected to RabbitMQ' }, slow: { ok: true } } });
    brokerUp = true;
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).to.equal(200);
    expect(((await ready.json()) as { status: string }).status).to.equal('ready');
  });

  it('serves Prometheus metrics with the service label', async () => {
    handled.inc(3);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).to.match(/probe_things_total\{service="probe"\} 3/);
    expect(text).to.include('process_resident_memory_bytes');
  });

  it('answers anything else with a JSON 404', async () => {
    const res = await fetch(`${base}/nope`);
    expect(res.status).to.equal(404);
    expect(await res.json()).to.deep.equal({ error: { code: 'not_found', message: 'Not found' } });
  });
});
