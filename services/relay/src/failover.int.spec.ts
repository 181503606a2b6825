import { eventually, useTestDatabase, useTestVhost } from '@dreamcatcher/service-kit/testing';
import { expect } from 'chai';
import { expectGapFreePerStream, expectSameEvents } from './testing/delivery.js';
import { openStore, runRelay, testLogger, type RelayHandle, type StoreHandle } from './testing/harness.js';
import { metricValue } from './testing/metrics.js';
import { collectQueue, type Collector } from './testing/queue-collector.js';
import { spawnRelay, type RelayProcess } from './testing/relay-process.js';
import { appendWorkload, readEverything } from './testing/workload.js';

/** A store, a test queue on `dream.#`, and cleanup of relay processes, for one describe. */
function useFailoverFixture(prefix: string) {
  const database = useTestDatabase(prefix);
  const vhost = useTestVhost(prefix);
  const fixture = { database, vhost, handle: undefined as unknown as StoreHandle, collector: undefined as unknown as Collector, processes: [] as RelayProcess[] };
  before(async () => {
    fixture.handle = await openStore(database.url);
    fixture.collector = await collectQueue({ url: vhost.url, queue: 'test.everything', bindings: ['dream.#'], logger: testLogger });
  });
  after(async () => {
    for (const process of fixture.processes) await process.kill();
    await fixture.collector?.close();
    await fixture.handle?.close();
  });
  return fixture;
}

async function expectEverythingDelivered(fixture: ReturnType<typeof useFailoverFixture>): Promise<number> {
  const stored = await readEverything(fixture.handle.store);
  await eventually(() => fixture.collector.uniqueIds().size === stored.length, { what: `all ${stored.length} events`, timeoutMs: 20_000 });
  expectSameEvents(fixture.collector.messages, stored);
  const duplicates = expectGapFreePerStream(fixture.collector.messages);
  console.log(`      ${fixture.collector.messages.length} deliveries of ${stored.length} events (${duplicates} duplicates)`);
  return duplicates;
}

describe('relay: SIGKILL and restart', function () {
  this.timeout(60_000);
  const fixture = useFailoverFixture('dc_relay_kill');

  it('resumes from the checkpoint: duplicates allowed, no gaps', async () => {
    const env = () => ({ DATABASE_URL: fixture.database.url, AMQP_URL: fixture.vhost.url, RELAY_MAX_IN_FLIGHT: '100' });
    const first = spawnRelay(env());
    fixture.processes.push(first);
    await first.port();
    const writing = appendWorkload(fixture.handle.store, { writers: 10, eventsPerWriter: 80, streamsPerWriter: 4, pauseMs: 5 });
    await eventually(() => fixture.collector.messages.length >= 150, { what: 'publishing under way', timeoutMs: 20_000 });
    await first.kill('SIGKILL');
    expect(first.child.signalCode).to.equal('SIGKILL');
    const atKill = fixture.collector.uniqueIds().size;

    const second = spawnRelay(env());
    fixture.processes.push(second);
    await writing;
    await expectEverythingDelivered(fixture);
    expect(atKill, 'killed mid-stream').to.be.below(800);
    expect(await second.metric('relay_published_total')).to.be.greaterThan(0);
  });
});

describe('relay: standby takes over', function () {
  this.timeout(60_000);
  const fixture = useFailoverFixture('dc_relay_standby');

  it('stays idle while another relay holds the lock and publishes once the active one is killed', async () => {
    const env = { DATABASE_URL: fixture.database.url, AMQP_URL: fixture.vhost.url };
    const active = spawnRelay(env);
    fixture.processes.push(active);
    await eventually(async () => (await active.metric('relay_leader')) === 1, { what: 'first relay leads', timeoutMs: 20_000 });
    const standby = spawnRelay(env);
    fixture.processes.push(standby);
    const port = await standby.port();
    await eventually(async () => (await fetch(`http://127.0.0.1:${port}/ready`)).status === 200, { what: 'standby ready', timeoutMs: 20_000 });
    expect(await standby.metric('relay_leader')).to.equal(0);

    const writing = appendWorkload(fixture.handle.store, { writers: 10, eventsPerWriter: 60, streamsPerWriter: 3, pauseMs: 5 });
    await eventually(() => fixture.collector.messages.length >= 150, { what: 'publishing under way', timeoutMs: 20_000 });
    expect(await standby.metric('relay_published_total'), 'the standby publishes nothing').to.equal(0);
    await active.kill('SIGKILL');
    await eventually(async () => (await standby.metric('relay_leader')) === 1, { what: 'standby takes the lock', timeoutMs: 10_000 });
    await writing;
    await expectEverythingDelivered(fixture);
    expect(await standby.metric('relay_published_total')).to.be.greaterThan(0);
  });
});

describe('relay: losing the PostgreSQL session', function () {
  this.timeout(60_000);
  const database = useTestDatabase('dc_relay_session');
  const vhost = useTestVhost('dc_relay_session');
  let handle: StoreHandle;
  let collector: Collector;
  const relays: RelayHandle[] = [];

  before(async () => {
    handle = await openStore(database.url);
    collector = await collectQueue({ url: vhost.url, queue: 'test.everything', bindings: ['dream.#'], logger: testLogger });
    for (let i = 0; i < 2; i++) relays.push(await runRelay(handle, database.url, vhost.url));
  });

  after(async () => {
    for (const { relay } of relays) await relay.stop();
    await collector?.close();
    await handle?.close();
  });

  it('stops publishing at once, lets one relay lead, and loses nothing', async () => {
    await eventually(() => relays.every(({ relay }) => relay.readiness().ok) && relays.some(({ relay }) => relay.state === 'leader'), { what: 'a leader and a standby' });
    expect(relays.map(({ relay }) => relay.state).sort()).to.deep.equal(['leader', 'standby']);
    const first = relays.find(({ relay }) => relay.state === 'leader')!;

    // Sample how much each relay has published; two relays must never both progress in one interval.
    const samples: number[][] = [];
    const sampling = setInterval(() => void Promise.all(relays.map((r) => metricValue(r.metrics, 'relay_published_total'))).then((s) => samples.push(s)), 10);
    try {
      const writing = appendWorkload(handle.store, { writers: 5, eventsPerWriter: 60, streamsPerWriter: 3, pauseMs: 5 });
      await eventually(() => collector.messages.length >= 50, { what: 'publishing under way' });
      const { rows } = await handle.pool.query<{ terminated: boolean }>(
        `SELECT pg_terminate_backend(a.pid) AS terminated FROM pg_stat_activity a
         WHERE a.datname = current_database() AND a.application_name = 'dreamcatcher-relay-lock:main'
           AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted)`,
      );
      expect(rows).to.deep.equal([{ terminated: true }]);
      await eventually(() => first.relay.state !== 'leader', { what: 'the old leader steps down', timeoutMs: 2_000 });
      await writing;
      const stored = await readEverything(handle.store);
      await eventually(() => collector.uniqueIds().size === stored.length, { what: 'every event', timeoutMs: 20_000 });
      expectSameEvents(collector.messages, stored);
      expectGapFreePerStream(collector.messages);
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
