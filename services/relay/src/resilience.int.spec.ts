import { closeVhostConnections, eventually, useTestDatabase, useTestVhost } from '@dreamcatcher/service-kit/testing';
import { expect } from 'chai';
import { expectGapFreePerStream, expectSameEvents } from './testing/delivery.js';
import { openStore, runRelay, testLogger, type RelayHandle, type StoreHandle } from './testing/harness.js';
import { metricValue } from './testing/metrics.js';
import { collectQueue, vhostOf, type Collector } from './testing/queue-collector.js';
import { appendWorkload, readEverything } from './testing/workload.js';

describe('relay: broker connection loss', function () {
  this.timeout(60_000);
  const database = useTestDatabase('dc_relay_loss');
  const vhost = useTestVhost('dc_relay_loss');
  let handle: StoreHandle;
  let relay: RelayHandle;
  let collector: Collector;

  before(async () => {
    handle = await openStore(database.url);
    collector = await collectQueue({ url: vhost.url, queue: 'test.everything', bindings: ['dream.#'], logger: testLogger });
    relay = await runRelay(handle, database.url, vhost.url);
    await eventually(() => relay.relay.readiness().ok, { what: 'relay ready' });
  });

  after(async () => {
    await relay?.relay.stop();
    await collector?.close();
    await handle?.close();
  });

  it('keeps its place, reports not ready while the broker is away, and resumes without gaps', async () => {
    const readiness: boolean[] = [];
    const sampler = setInterval(() => readiness.push(relay.relay.readiness().ok), 5);
    try {
      const writing = appendWorkload(handle.store, { writers: 5, eventsPerWriter: 60, streamsPerWriter: 3, pauseMs: 5 });
      await eventually(() => collector.messages.length >= 50, { what: 'publishing under way' });
      expect(await closeVhostConnections(vhostOf(vhost.url))).to.be.at.least(2);
      await writing;
      const stored = await readEverything(handle.store);
      await eventually(() => collector.uniqueIds().size === stored.length, { what: 'every event after the reconnection', timeoutMs: 20_000 });
      await eventually(() => relay.relay.readiness().ok, { what: 'ready again' });

      expect(readiness, 'not ready while disconnected').to.include(false);
      expect(readiness.at(-1)).to.equal(true);
      expectSameEvents(collector.messages, stored);
      const duplicates = expectGapFreePerStream(collector.messages);
      console.log(`      ${collector.messages.length} deliveries of ${stored.length} events (${duplicates} duplicates)`);
      expect(await metricValue(relay.metrics, 'relay_retried_total')).to.be.at.least(1);
    } finally {
      clearInterval(sampler);
    }
  });
});

describe('relay: messages the broker refuses are retried, never dropped', function () {
  this.timeout(60_000);
  const database = useTestDatabase('dc_relay_refuse');
  const vhost = useTestVhost('dc_relay_refuse');
  let handle: StoreHandle;
  let relay: RelayHandle;
  const collectors: Collector[] = [];

  before(async () => {
    handle = await openStore(database.url);
    // No projection queues: until a test queue is bound, every message is unroutable.
    relay = await runRelay(handle, database.url, vhost.url, { projections: [] });
  });

  after(async () => {
    await relay?.relay.stop();
    for (const collector of collectors) await collector.close();
    await handle?.close();
  });

  it('republishes a returned (unroutable) message, then a nacked one, until the broker takes them', async () => {
    await appendWorkload(handle.store, { writers: 1, eventsPerWriter: 5, streamsPerWriter: 2 });
    await eventually(async () => (await metricValue(relay.metrics, 'relay_retried_total', { reason: 'returned' })) >= 1, { what: 'a return' });
    expect(await metricValue(relay.metrics, 'relay_confirmed_total')).to.equal(0);

    // A queue that takes two messages and refuses more: the broker nacks the rest.
    const queueArguments = { 'x-max-length': 2, 'x-overflow': 'reject-publish' };
    const bound = { url: vhost.url, queue: 'test.limited', bindings: ['dream.#'], logger: testLogger, queueArguments };
    collectors.push(await collectQueue({ ...bound, consume: false }));
    await eventually(async () => (await metricValue(relay.metrics, 'relay_retried_total', { reason: 'nacked' })) >= 2, { what: 'nacks' });
    expect(await metricValue(relay.metrics, 'relay_confirmed_total')).to.equal(2);

    const consumer = await collectQueue({ ...bound, consume: true });
    collectors.push(consumer);
    const stored = await readEverything(handle.store);
    await eventually(() => consumer.uniqueIds().size === stored.length, { what: 'every event once the queue drains', timeoutMs: 20_000 });
    expectSameEvents(consumer.messages, stored);
    expectGapFreePerStream(consumer.messages);
  });
});
