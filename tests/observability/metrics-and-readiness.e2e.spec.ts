/**
 * The metrics and readiness of the real system under a small workload: counters move with
 * the requests, commands, appends, publishes and applies; a projector that is stopped
 * shows lag rising in positions and seconds and back to zero once it runs again; one that
 * is up but cannot apply is "behind" on its own /ready while the gateway stays ready.
 */
import { expect } from 'chai';
import pg from 'pg';
import { PROJECTION_NAMES } from '@dreamcatcher/service-kit';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { observedSystem, serviceUrl, type ObservedSystem } from './observed-system.js';
import { captureBody, scrape, uniqueUser, valueOf, type Sample } from './support.js';

const CAPTURE_ROUTE = '/api/v1/conversations/capture';

describe('observability: metrics and readiness under a small workload', function () {
  this.timeout(240_000);
  let system: ObservedSystem;
  let token: string;

  before(async function () {
    this.timeout(280_000);
    system = await observedSystem();
    token = await system.token(uniqueUser('metrics'));
  });

  async function capture(n: number): Promise<string> {
    let position = '0';
    for (let i = 0; i < n; i++) {
      const res = await fetch(`${system.api}/conversations/capture`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(captureBody(`workload ${i}`, `Metrics dream ${i}`)),
      });
      expect(res.status).to.equal(201);
      position = ((await res.json()) as { position: string }).position;
    }
    return position;
  }

  const metricsOf = (name: string) => scrape(serviceUrl(system, name));
  const lagOf = (samples: Sample[], projection: string) => ({
    positions: valueOf(samples, 'projection_lag_positions', { projection }),
    seconds: valueOf(samples, 'projection_lag_seconds', { projection }),
  });
  const caughtUp = async (projections: readonly string[]) => {
    const samples = await metricsOf('gateway');
    return projections.every((projection) => lagOf(samples, projection).positions === 0 && lagOf(samples, projection).seconds === 0);
  };
  const ready = async (name: string) => {
    const res = await fetch(`${serviceUrl(system, name)}/ready`);
    return { status: res.status, body: (await res.json()) as { checks: Record<string, { ok: boolean; detail?: string; behind?: boolean }> } };
  };

  it('counts requests by route, commands by type and outcome, appends, publishes and applied events', async () => {
    const names = ['gateway', 'command', 'relay', 'projector-dream_summary'];
    const before = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await metricsOf(name)] as const)));
    await capture(3);
    // Three captures of a new dream: six events, each applied by every projection.
    await eventually(async () => valueOf(await metricsOf('projector-dream_summary'), 'projection_events_total', { projection: 'dream_summary' }) - valueOf(before['projector-dream_summary']!, 'projection_events_total', { projection: 'dream_summary' }) >= 6, {
      what: 'dream_summary to apply six events',
      timeoutMs: 30_000,
    });
    const after = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await metricsOf(name)] as const)));
    const moved = (name: string, metric: string, labels: Record<string, string> = {}) => valueOf(after[name]!, metric, labels) - valueOf(before[name]!, metric, labels);

    expect(moved('gateway', 'http_requests_total', { route: CAPTURE_ROUTE, method: 'POST', status: '201' })).to.equal(3);
    expect(moved('gateway', 'http_request_duration_seconds_count', { route: CAPTURE_ROUTE })).to.equal(3);
    expect(moved('gateway', 'http_request_errors_total', { route: CAPTURE_ROUTE })).to.equal(0);
    expect(moved('command', 'commands_total', { type: 'CaptureFragment', outcome: 'ok' })).to.equal(3);
    expect(moved('command', 'command_appends_total', { type: 'CaptureFragment' })).to.equal(3);
    expect(moved('command', 'command_events_appended_total', { type: 'CaptureFragment' })).to.equal(6);
    expect(moved('command', 'http_requests_total', { route: '/commands/:type', status: '201' })).to.equal(3);
    expect(moved('relay', 'relay_published_total')).to.be.at.least(6);
    expect(moved('relay', 'relay_confirmed_total')).to.be.at.least(6);
    expect(moved('projector-dream_summary', 'projection_events_total', { projection: 'dream_summary', outcome: 'applied' })).to.equal(6);
    expect(valueOf(after['projector-dream_summary']!, 'projection_failures_total', { projection: 'dream_summary' })).to.equal(0);

    for (const name of names) expect(valueOf(after[name]!, 'database_up'), `${name} database_up`).to.equal(1);
    for (const name of ['relay', 'projector-dream_summary']) expect(valueOf(after[name]!, 'broker_connected'), `${name} broker_connected`).to.equal(1);
    await eventually(() => caughtUp(PROJECTION_NAMES), { what: 'every projection caught up', timeoutMs: 30_000 });
    await eventually(async () => valueOf(await metricsOf('relay'), 'relay_lag_positions') === 0, { what: 'the relay caught up' });
  });

  it('shows the lag of a stopped projector rising and falling back to zero when it runs again, and keeps the API ready', async () => {
    await system.running.kill('projector-dream_summary', 'SIGTERM');
    try {
      await capture(2);
      const others = PROJECTION_NAMES.filter((projection) => projection !== 'dream_summary');
      // A scrape may be answered from a measurement up to 250 ms old: wait for one taken after the captures.
      const first = await eventually(
        async () => {
          const samples = await metricsOf('gateway');
          const caught = others.every((projection) => lagOf(samples, projection).positions === 0);
          const lag = lagOf(samples, 'dream_summary');
          return caught && lag.positions > 0 ? lag : undefined;
        },
        { what: 'the running projections caught up and dream_summary behind', timeoutMs: 30_000 },
      );
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const later = lagOf(await metricsOf('gateway'), 'dream_summary');
      expect(later.positions).to.equal(first.positions);
      expect(later.seconds).to.be.at.least(first.seconds + 1);

      // Stale summaries are no reason to take the API out of service: the gateway stays ready and says why.
      const gateway = await ready('gateway');
      expect(gateway.status).to.equal(200);
      const check = gateway.body.checks[`dependency ${serviceUrl(system, 'projector-dream_summary')}`];
      expect(check?.ok).to.equal(true);
      expect(check?.detail).to.match(/^was ready; now .*unreachable/);
    } finally {
      system.running.start('projector-dream_summary');
    }
    await system.waitReady('projector-dream_summary', 120_000);
    await eventually(() => caughtUp(['dream_summary']), { what: 'dream_summary caught up again', timeoutMs: 30_000 });
  });

  it('reports a projector that is up but cannot apply as behind, on its own /ready only', async () => {
    // Every batch of a projection takes this advisory lock first: holding it pauses the projector, which stays up.
    const blocker = new pg.Client({ connectionString: system.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query("SELECT pg_advisory_xact_lock(hashtext('dreamcatcher.projection.' || $1))", ['dream_detail']);
      await capture(1);
      const projector = await eventually(
        async () => {
          const answer = await ready('projector-dream_detail');
          return answer.status === 503 ? answer : undefined;
        },
        { what: 'dream_detail to be behind', timeoutMs: 30_000, intervalMs: 200 },
      );
      expect(projector.body.checks.broker?.ok).to.equal(true);
      expect(projector.body.checks.database?.ok).to.equal(true);
      expect(projector.body.checks.caughtUp).to.include({ ok: false, behind: true });
      expect(projector.body.checks.caughtUp?.detail).to.match(/^dream_detail is \d+ positions and [\d.]+ s behind the store head \(threshold 1 s\)$/);
      expect(lagOf(await metricsOf('projector-dream_detail'), 'dream_detail').seconds).to.be.greaterThan(1);

      const gateway = await ready('gateway');
      expect(gateway.status).to.equal(200);
      expect(gateway.body.checks[`dependency ${serviceUrl(system, 'projector-dream_detail')}`]?.detail).to.match(/^up, but behind: caughtUp: dream_detail is/);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
    }
    await eventually(async () => (await ready('projector-dream_detail')).status === 200, { what: 'dream_detail ready again', timeoutMs: 30_000, intervalMs: 200 });
    await eventually(() => caughtUp(['dream_detail']), { what: 'dream_detail caught up again' });
  });
});
