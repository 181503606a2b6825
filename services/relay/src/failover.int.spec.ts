import { eventually } from '@dreamcatcher/service-kit/testing';
import { expect } from 'chai';
import { expectGapFreePerStream, expectSameEvents } from './testing/delivery.js';
import { useRelayEnvironment, type RelayEnvironment, type RelayHandle } from './testing/harness.js';
import { metricValue } from './testing/metrics.js';
import type { Collector } from './testing/queue-collector.js';
import { spawnRelay, type RelayProcess } from './testing/relay-process.js';
import { appendWorkload, readEverything } from './testing/workload.js';

/** Every appended event arrived, each stream gap-free; returns the number of duplicates. */
async function expectEverythingDelivered(env: RelayEnvironment, collector: Collector, appended: number): Promise<number> {
  const stored = await readEverything(env.handle.store, appended);
  await eventually(() => collector.uniqueIds().size === stored.length, { what: `all ${stored.length} events`, timeoutMs: 20_000 });
  expectSameEvents(collector.messages, stored);
  const duplicates = expectGapFreePerStream(collector.messages);
  console.log(`      ${collector.messages.length} deliveries of ${stored.length} events (${duplicates} duplicates)`);
  return duplicates;
}

/** A relay process of the environment, killed at the end if still running. */
function spawnFor(env: RelayEnvironment, extra: Record<string, string> = {}): RelayProcess {
  const relay = spawnRelay({ DATABASE_URL: env.database.url, AMQP_URL: env.vhost.url, ...extra });
  env.defer(() => relay.kill());
  return relay;
}

describe('relay: process failover', function () {
  this.timeout(60_000);
  const env = useRelayEnvironment('dc_relay_failover');
  let collector: Collector;
  let appended = 0;
  before(async () => (collector = await env.collector({ queue: 'test.everything', bindings: ['dream.#'] })));

  it('resumes from the checkpoint after a SIGKILL and restart: duplicates allowed, no gaps', async () => {
    const first = spawnFor(env, { RELAY_MAX_IN_FLIGHT: '100' });
    await first.port();
    const writing = appendWorkload(env.handle.store, { writers: 10, eventsPerWriter: 80, streamsPerWriter: 4, pauseMs: 5 });
    await eventually(() => collector.messages.length >= 150, { what: 'publishing under way', timeoutMs: 20_000 });
    await first.kill('SIGKILL');
    expect(first.child.signalCode).to.equal('SIGKILL');
    const atKill = collector.uniqueIds().size;

    const restarted = spawnFor(env, { RELAY_MAX_IN_FLIGHT: '100' });
    appended += await writing;
    expect(atKill, 'killed mid-stream').to.be.below(appended);
    await expectEverythingDelivered(env, collector, appended);
    expect(await restarted.metric('relay_published_total')).to.be.greaterThan(0);
    await restarted.kill('SIGTERM');
  });

  it('keeps a standby idle while another relay holds the lock; the standby publishes once the active one is killed', async () => {
    const active = spawnFor(env);
    await eventually(async () => (await active.metric('relay_leader')) === 1, { what: 'first relay leads', timeoutMs: 20_000 });
    const standby = spawnFor(env);
    const port = await standby.port();
    await eventually(async () => (await fetch(`http://127.0.0.1:${port}/ready`)).status === 200, { what: 'standby ready', timeoutMs: 20_000 });
    expect(await standby.metric('relay_leader')).to.equal(0);

    const writing = appendWorkload(env.handle.store, { writers: 10, eventsPerWriter: 60, streamsPerWriter: 3, pauseMs: 5 });
    const already = collector.uniqueIds().size;
    await eventually(() => collector.uniqueIds().size >= already + 150, { what: 'publishing under way', timeoutMs: 20_000 });
    expect(await standby.metric('relay_published_total'), 'the standby publishes nothing').to.equal(0);
    await active.kill('SIGKILL');
    await eventually(async () => (await standby.metric('relay_leader')) === 1, { what: 'standby takes the lock', timeoutMs: 10_000 });
    appended += await writing;
    await expectEverythingDelivered(env, collector, appended);
    expect(await standby.metric('relay_published_total')).to.be.greaterThan(0);
  });
});

describe('relay: losing the PostgreSQL session', function () {
  this.timeout(60_000);
  const env = useRelayEnvironment('dc_relay_session');
  let collector: Collector;
  const relays: RelayHandle[] = [];

  before(async () => {
    collector = await env.collector({ queue: 'test.everything', bindings: ['dream.#'] });
    for (let i = 0; i < 2; i++) relays.push(await env.relay());
  });

  it('stops publishing at once, lets one relay lead, and loses nothing', async () => {
    await eventually(() => relays.every(({ relay }) => relay.readiness().ok) && relays.some(({ relay }) => relay.state === 'leader'), { what: 'a leader and a standby' });
    expect(relays.map(({ relay }) => relay.state).sort()).to.deep.equal(['leader', 'standby']);
    const first = relays.find(({ relay }) => relay.state === 'leader')!;

    // Sample how much each relay has published; two relays must never both progress in one interval.
    const samples: number[][] = [];
    const sampling = setInterval(() => void Promise.all(relays.map((r) => metricValue(r.metrics, 'relay_published_total'))).then((s) => samples.push(s)), 10);
    try {
      const writing = appendWorkload(env.handle.store, { writers: 5, eventsPerWriter: 60, streamsPerWriter: 3, pauseMs: 5 });
      await eventually(() => collector.messages.length >= 50, { what: 'publishing under way' });
      const { rows } = await env.handle.pool.query<{ terminated: boolean }>(
        `SELECT pg_terminate_backend(a.pid) AS terminated FROM pg_stat_activity a
         WHERE a.datname = current_database() AND a.application_name = 'dreamcatcher-relay-lock:main'
           AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted)`,
      );
      expect(rows).to.deep.equal([{ terminated: true }]);
      await eventually(() => first.relay.state !== 'leader', { what: 'the old leader steps down', timeoutMs: 2_000 });
      await expectEverythingDelivered(env, collector, await writing);
      await eventually(() => relays.filter(({ relay }) => relay.state === 'leader').length === 1, { what: 'one leader again' });
    } finally {
      clearInterval(sampling);
    }
    for (let i = 1; i < samples.length; i++) {
      const progressed = samples[i]!.filter((value, relay) => value > samples[i - 1]![relay]!);
      expect(progressed.length, `both relays published in sample ${i}`).to.be.at.most(1);
    }
  });
});
