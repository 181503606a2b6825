import { createEventStore, type EventStore } from '@dreamcatcher/event-store';
import { checkQueue } from './testing/amqp.js';
import { connectPostgres, createLogger, createMetricsRegistry, PROJECTION_NAMES, projectionQueue, type Pool } from '@dreamcatcher/service-kit';
import { eventually, useTestDatabase, useTestVhost } from '@dreamcatcher/service-kit/testing';
import { expect } from 'chai';
import { readCheckpoint } from './checkpoint/checkpoints.js';
import { startRelay, type Relay } from './relay.js';
import { expectGapFreePerStream, expectSameEvents } from './testing/delivery.js';
import { metricValue } from './testing/metrics.js';
import { collectQueue, type Collector } from './testing/queue-collector.js';
import { appendWorkload, readEverything } from './testing/workload.js';

describe('relay: store to broker', function () {
  this.timeout(60_000);
  const database = useTestDatabase('dc_relay');
  const vhost = useTestVhost('dc_relay');
  const logger = createLogger({ service: 'relay-test', level: 'error' });
  let pool: Pool;
  let store: EventStore;
  let collector: Collector;
  let relay: Relay;
  const metrics = createMetricsRegistry('relay');

  before(async () => {
    pool = await connectPostgres({ url: database.url, max: 25 });
    store = await createEventStore({ kind: 'postgres', pool }, { pollIntervalMs: 200 });
    collector = await collectQueue({ url: vhost.url, queue: 'test.everything', bindings: ['dream.#'], logger });
    relay = await startRelay({ store, pool, databaseUrl: database.url, amqpUrl: vhost.url, logger, metrics, lockRetryMs: 200 });
  });

  after(async () => {
    await relay?.stop();
    await collector?.close();
    await store?.close();
    await pool?.end();
  });

  it('becomes ready as the leader once the broker is connected', async () => {
    await eventually(() => relay.readiness().ok, { what: 'relay ready' });
    expect(relay.state).to.equal('leader');
    expect(await metricValue(metrics, 'relay_leader')).to.equal(1);
  });

  it('publishes a concurrent workload exactly as stored: every event once, in global order', async () => {
    await appendWorkload(store, { writers: 20, eventsPerWriter: 100, streamsPerWriter: 5 });
    const stored = await readEverything(store);
    expect(stored).to.have.length(2_000);
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
    const head = await store.headPosition();
    await eventually(async () => (await readCheckpoint(pool, 'main')) === head, { what: 'checkpoint at the head' });
    expect(await metricValue(metrics, 'relay_published_total')).to.equal(2_000);
    expect(await metricValue(metrics, 'relay_confirmed_total')).to.equal(2_000);
    expect(await metricValue(metrics, 'relay_in_flight')).to.equal(0);
    await eventually(async () => (await metricValue(metrics, 'relay_lag_positions')) === 0, { what: 'no lag' });
    expect(await metricValue(metrics, 'relay_lag_seconds')).to.equal(0);
  });

  it('declared every projection queue (quorum, bound to dream.#) so each received every event', async () => {
    for (const projection of PROJECTION_NAMES) {
      const queue = await checkQueue(vhost.url, projectionQueue(projection));
      expect(queue.messageCount, projection).to.equal(2_000);
      const deadLetters = await checkQueue(vhost.url, `${projectionQueue(projection)}.dead-letter`);
      expect(deadLetters.messageCount).to.equal(0);
    }
  });
});
