import { PROJECTION_NAMES, projectionQueue } from '@dreamcatcher/service-kit';
import { closeVhostConnections, eventually } from '@dreamcatcher/service-kit/testing';
import { expect } from 'chai';
import { readCheckpoint } from './checkpoint/checkpoints.js';
import { checkQueue } from './testing/amqp.js';
import { expectGapFreePerStream, expectSameEvents } from './testing/delivery.js';
import { useRelayEnvironment, type RelayHandle } from './testing/harness.js';
import { metricValue } from './testing/metrics.js';
import { vhostOf, type Collector } from './testing/queue-collector.js';
import { appendWorkload, readEverything } from './testing/workload.js';

describe('relay: store to broker', function () {
  this.timeout(60_000);
  const env = useRelayEnvironment('dc_relay');
  let collector: Collector;
  let relay: RelayHandle;

  before(async () => {
    collector = await env.collector({ queue: 'test.everything', bindings: ['dream.#'] });
    relay = await env.relay();
  });

  it('becomes ready as the leader once the broker is connected', async () => {
    await eventually(() => relay.relay.readiness().ok, { what: 'relay ready' });
    expect(relay.relay.state).to.equal('leader');
    expect(await metricValue(relay.metrics, 'relay_leader')).to.equal(1);
  });

  it('publishes a concurrent workload exactly as stored: every event once, in global order', async () => {
    const appended = await appendWorkload(env.handle.store, { writers: 20, eventsPerWriter: 100, streamsPerWriter: 5 });
    const stored = await readEverything(env.handle.store, appended);
    await eventually(() => collector.messages.length >= stored.length, { what: 'all 2000 events on the test queue', timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));

    const received = collector.messages;
    expect(received).to.have.length(stored.length, 'a healthy run publishes each event exactly once');
    expect(received.map((message) => message.body.position)).to.deep.equal(stored.map((event) => event.position.toString()));
    expect(received.map((message) => message.body.eventId)).to.deep.equal(stored.map((event) => event.id));
    expectSameEvents(received, stored);
    expect(expectGapFreePerStream(received)).to.equal(0);
  });

  it('advances the checkpoint to the last confirmed position and reports no lag', async () => {
    const head = await env.handle.store.headPosition();
    await eventually(async () => (await readCheckpoint(env.handle.pool, 'main')) === head, { what: 'checkpoint at the head' });
    expect(await metricValue(relay.metrics, 'relay_published_total')).to.equal(2_000);
    expect(await metricValue(relay.metrics, 'relay_confirmed_total')).to.equal(2_000);
    expect(await metricValue(relay.metrics, 'relay_in_flight')).to.equal(0);
    await eventually(async () => (await metricValue(relay.metrics, 'relay_lag_positions')) === 0, { what: 'no lag' });
    expect(await metricValue(relay.metrics, 'relay_lag_seconds')).to.equal(0);
  });

  it('declared every projection queue (quorum, bound to dream.#) so each received every event', async () => {
    for (const projection of PROJECTION_NAMES) {
      const queue = await checkQueue(env.vhost.url, projectionQueue(projection));
      expect(queue.messageCount, projection).to.equal(2_000);
      const deadLetters = await checkQueue(env.vhost.url, `${projectionQueue(projection)}.dead-letter`);
      expect(deadLetters.messageCount).to.equal(0);
    }
  });

  it('keeps its place across a broker connection loss: not ready meanwhile, then resumes without gaps', async () => {
    const readiness: boolean[] = [];
    const sampler = setInterval(() => readiness.push(relay.relay.readiness().ok), 5);
    try {
      const already = collector.uniqueIds().size;
      const writing = appendWorkload(env.handle.store, { writers: 5, eventsPerWriter: 60, streamsPerWriter: 3, pauseMs: 5 });
      await eventually(() => collector.uniqueIds().size >= already + 50, { what: 'publishing under way' });
      expect(await closeVhostConnections(vhostOf(env.vhost.url))).to.be.at.least(2);
      const stored = await readEverything(env.handle.store, already + (await writing));
      await eventually(() => collector.uniqueIds().size === stored.length, { what: 'every event after the reconnection', timeoutMs: 20_000 });
      await eventually(() => relay.relay.readiness().ok, { what: 'ready again' });

      expect(readiness, 'not ready while disconnected').to.include(false);
      expectSameEvents(collector.messages, stored);
      const duplicates = expectGapFreePerStream(collector.messages);
      console.log(`      ${collector.messages.length} deliveries of ${stored.length} events (${duplicates} duplicates)`);
      expect(await metricValue(relay.metrics, 'relay_retried_total')).to.be.at.least(1);
    } finally {
      clearInterval(sampler);
    }
  });

  it('on a requested stop mid-stream, waits for confirms so that its successor publishes nothing twice', async () => {
    const already = collector.uniqueIds().size;
    const duplicatesBefore = collector.messages.length - already;
    const writing = appendWorkload(env.handle.store, { writers: 5, eventsPerWriter: 60, streamsPerWriter: 3, pauseMs: 2 });
    await eventually(() => collector.uniqueIds().size >= already + 50, { what: 'publishing under way' });
    await relay.relay.stop();
    const atStop = collector.uniqueIds().size;
    relay = await env.relay();
    const stored = await readEverything(env.handle.store, already + (await writing));
    expect(atStop, 'stopped mid-stream').to.be.below(stored.length);
    await eventually(() => collector.uniqueIds().size === stored.length, { what: 'every event from the successor', timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expectGapFreePerStream(collector.messages);
    expect(collector.messages.length - stored.length, 'duplicates caused by the stop').to.equal(duplicatesBefore);
  });
});
