import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { CheckResult } from '@dreamcatcher/service-kit';
import { httpReadyCheck, requiredUntilReady } from './readiness.js';

/** A dependency whose /ready answers `status` with `body`. */
async function dependency(status: number, body: unknown): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const lagging = { ok: false, behind: true, detail: 'dream_summary is 120 positions and 45.0 s behind the store head (threshold 30 s)' };

describe('gateway readiness of its dependencies', () => {
  const cases: { name: string; status: number; body: unknown; ok: boolean; detail?: RegExp }[] = [
    { name: 'a ready dependency', status: 200, body: { status: 'ready', checks: {} }, ok: true },
    {
      name: 'a projector that is up but behind: stale reads are no reason to take the API out of service',
      status: 503,
      body: { status: 'not_ready', checks: { broker: { ok: true }, database: { ok: true }, caughtUp: lagging } },
      ok: true,
      detail: /up, but behind: caughtUp: dream_summary is 120 positions/,
    },
    {
      name: 'a projector that is behind and has lost its broker',
      status: 503,
      body: { status: 'not_ready', checks: { broker: { ok: false, detail: 'not connected to RabbitMQ' }, caughtUp: lagging } },
      ok: false,
      detail: /answered 503: broker: not connected to RabbitMQ; caughtUp: dream_summary/,
    },
    { name: 'an answer that is not a readiness report', status: 503, body: 'overloaded', ok: false, detail: /answered 503$/ },
  ];
  for (const { name, status, body, ok, detail } of cases) {
    it(`${ok ? 'counts' : 'does not count'} ${name}`, async () => {
      const server = await dependency(status, body);
      try {
        const result = await httpReadyCheck(server.url)();
        expect(result.ok).to.equal(ok);
        if (detail) expect(result.detail).to.match(detail);
      } finally {
        await server.close();
      }
    });
  }

  it('does not count a dependency that does not answer', async () => {
    const result = await httpReadyCheck('http://127.0.0.1:9')();
    expect(result).to.include({ ok: false });
    expect(result.detail).to.match(/unreachable/);
  });
});

describe('gateway readiness over time', () => {
  it('waits for a dependency at start-up, and afterwards reports its failure without taking the API out of service', async () => {
    let answer: CheckResult = { ok: false, detail: 'starting' };
    const check = requiredUntilReady(() => answer);
    expect(await check()).to.deep.equal({ ok: false, detail: 'starting' });
    answer = { ok: true };
    expect(await check()).to.deep.equal({ ok: true });
    answer = { ok: false, detail: 'http://projector:8080 unreachable: connect ECONNREFUSED' };
    expect(await check()).to.deep.equal({ ok: true, detail: 'was ready; now http://projector:8080 unreachable: connect ECONNREFUSED' });
  });
});
