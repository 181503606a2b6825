import { expect } from 'chai';
import { connectionGauges, createHttpMetrics, Registry } from './metrics.js';
import { onlyBehind } from './ops.js';

async function values(registry: Registry, name: string): Promise<{ labels: Record<string, unknown>; value: number }[]> {
  const metric = (await registry.getMetricsAsJSON()).find((candidate) => candidate.name === name);
  return (metric?.values ?? []) as { labels: Record<string, unknown>; value: number }[];
}

describe('connection gauges', () => {
  it('show 1 while the database answers and the broker is connected, 0 otherwise', async () => {
    const registry = new Registry();
    let database: () => Promise<unknown> = async () => undefined;
    let broker = true;
    connectionGauges(registry, { database: () => database(), broker: () => broker });
    expect((await values(registry, 'database_up'))[0]?.value).to.equal(1);
    expect((await values(registry, 'broker_connected'))[0]?.value).to.equal(1);
    database = async () => {
      throw new Error('connection refused');
    };
    broker = false;
    expect((await values(registry, 'database_up'))[0]?.value).to.equal(0);
    expect((await values(registry, 'broker_connected'))[0]?.value).to.equal(0);
  });

  it('count a database that does not answer within a second as down, without holding up the scrape', async () => {
    const registry = new Registry();
    connectionGauges(registry, { database: () => new Promise(() => undefined) });
    const started = Date.now();
    expect((await values(registry, 'database_up'))[0]?.value).to.equal(0);
    expect(Date.now() - started).to.be.below(1_500);
  });

  it('export only the connections a service has, once per registry', async () => {
    const registry = new Registry();
    connectionGauges(registry, { database: async () => undefined });
    connectionGauges(registry, { database: async () => undefined });
    expect((await registry.getMetricsAsJSON()).map((metric) => metric.name)).to.deep.equal(['database_up']);
  });
});

describe('HTTP metrics', () => {
  it('count requests, 5xx answers and latency by method, route template and status', async () => {
    const registry = new Registry();
    const http = createHttpMetrics(registry);
    http.observe({ method: 'POST', route: '/commands/:type', status: 201 }, 0.02);
    http.observe({ method: 'POST', route: '/commands/:type', status: 503 }, 1.5);
    // A second user of the same registry shares the collectors.
    createHttpMetrics(registry).observe({ method: 'POST', route: '/commands/:type', status: 201 }, 0.03);
    expect((await values(registry, 'http_requests_total')).map(({ labels, value }) => [labels.status, value])).to.deep.equal([
      ['201', 2],
      ['503', 1],
    ]);
    expect((await values(registry, 'http_request_errors_total')).map(({ labels, value }) => [labels.status, value])).to.deep.equal([['503', 1]]);
    const counts = (await values(registry, 'http_request_duration_seconds')).filter((sample) => (sample as { metricName?: string }).metricName === 'http_request_duration_seconds_count');
    expect(counts.map(({ value }) => value)).to.deep.equal([2, 1]);
  });
});

describe('readiness that is only behind', () => {
  const behind = { ok: false, behind: true, detail: 'dream_summary is 3 positions and 40.0 s behind the store head' };
  it('is a report whose every failed check is marked behind', () => {
    expect(onlyBehind({ status: 'not_ready', checks: { broker: { ok: true }, caughtUp: behind } })).to.equal(true);
  });
  it('is not a report with any other failure, with no failure, or anything else', () => {
    expect(onlyBehind({ checks: { broker: { ok: false }, caughtUp: behind } })).to.equal(false);
    expect(onlyBehind({ checks: { broker: { ok: true } } })).to.equal(false);
    expect(onlyBehind('Service Unavailable')).to.equal(false);
    expect(onlyBehind(null)).to.equal(false);
  });
});
