import { eventually } from '@dreamcatcher/service-kit/testing';
import { expect } from 'chai';
import { expectGapFreePerStream, expectSameEvents } from './testing/delivery.js';
import { useRelayEnvironment, type RelayHandle } from './testing/harness.js';
import { metricValue } from './testing/metrics.js';
import { appendWorkload, readEverything } from './testing/workload.js';

describe('relay: messages the broker refuses are retried, never dropped', function () {
  this.timeout(60_000);
  const env = useRelayEnvironment('dc_relay_refuse');
  let relay: RelayHandle;

  before(async () => {
    // No projection queues: until a test queue is bound, every message is unroutable.
    relay = await env.relay({ projections: [] });
  });

  it('republishes a returned (unroutable) message, then a nacked one, until the broker takes them', async () => {
    const appended = await appendWorkload(env.handle.store, { writers: 1, eventsPerWriter: 5, streamsPerWriter: 2 });
    await eventually(async () => (await metricValue(relay.metrics, 'relay_retried_total', { reason: 'returned' })) >= 1, { what: 'a return' });
    expect(await metricValue(relay.metrics, 'relay_confirmed_total')).to.equal(0);

    // A queue that takes two messages and refuses more: the broker nacks the rest.
    const limited = { queue: 'test.limited', bindings: ['dream.#'], queueArguments: { 'x-max-length': 2, 'x-overflow': 'reject-publish' } };
    await env.collector({ ...limited, consume: false });
    await eventually(async () => (await metricValue(relay.metrics, 'relay_retried_total', { reason: 'nacked' })) >= 2, { what: 'nacks' });
    // A nack can overtake the ack of an earlier persistent message, so at most two were confirmed.
    expect(await metricValue(relay.metrics, 'relay_confirmed_total')).to.be.at.most(2);

    const consumer = await env.collector({ ...limited, consume: true });
    const stored = await readEverything(env.handle.store, appended);
    await eventually(() => consumer.uniqueIds().size === stored.length, { what: 'every event once the queue drains', timeoutMs: 20_000 });
    expectSameEvents(consumer.messages, stored);
    expectGapFreePerStream(consumer.messages);
  });
});
