/**
 * Stage 2: events per second the relay carries from the store to the broker (confirmed),
 * against a raw amqplib publisher sending the same messages, pre-encoded, persistent and
 * confirmed, through the same exchange into the same six quorum queues, with as many
 * unconfirmed messages at once as the relay allows (500).
 *
 * The store (audited, as the relay reads it: decrypting each event) is filled first; each
 * run starts a relay under a new name (so from an empty checkpoint) and times it from its first checkpoint write to the last, counting the
 * events between them, so start-up (migrations, lock, channel) is left out. The queues are
 * purged before every publisher, so neither pays for the other's backlog.
 */
import { randomUUID } from 'node:crypto';
import amqplib from 'amqplib';
import type { RecordedEvent } from '@dreamcatcher/event-store';
import { declareTopology, encodeEnvelope, readCheckpoint, startRelay, transform } from '@dreamcatcher/relay';
import { connectPostgres, createLogger, createMetricsRegistry, PROJECTION_NAMES, projectionQueue } from '@dreamcatcher/service-kit';
import { createTestDatabase, createTestVhost, eventually } from '@dreamcatcher/service-kit/testing';
import { openAuditedStore } from './audited.js';
import { rawPublishRate, type PreparedMessage } from './baselines.js';
import { fragmentCaptured } from './events.js';
import { sleep } from './measure.js';
import type { Results } from './results.js';
import type { StageContext } from './stage.js';

const MAX_IN_FLIGHT = 500;
const quietLogger = createLogger({ service: 'bench-relay', level: 'error' });

/** Index of the first position greater than `position` in ascending `positions`: how many events are at or below it. */
function countUpTo(positions: bigint[], position: bigint): number {
  let low = 0;
  let high = positions.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (positions[middle]! <= position) low = middle + 1;
    else high = middle;
  }
  return low;
}

export async function relayStage(context: StageContext, results: Results): Promise<void> {
  const total = context.quick ? 3_000 : 10_000;
  const [database, vhost] = await Promise.all([createTestDatabase('dc_bench_relay'), createTestVhost('dc_bench_relay')]);
  context.cleanup(() => Promise.all([database.drop(), vhost.drop()]));
  const pool = await connectPostgres({ url: database.url, max: 4, applicationName: 'bench-relay' });
  context.cleanup(() => pool.end());
  // Written and read through the audited store, as the command service writes and the relay reads.
  const store = await openAuditedStore(database.url, pool);
  context.cleanup(() => store.close());

  // 100 events per append, into 20-event streams' worth of dreams: filling is not what is measured.
  for (let appended = 0; appended < total; appended += 100) {
    const dreamId = randomUUID();
    await store.appendToStream(`dream-${dreamId}`, Array.from({ length: Math.min(100, total - appended) }, (_, n) => fragmentCaptured(dreamId, 'bench-user', n)));
  }
  const events: RecordedEvent[] = [];
  await eventually(async () => {
    events.length = 0;
    for (let after: bigint | undefined; ; ) {
      const page = await store.readAll({ ...(after !== undefined && { after }), maxCount: 5_000 });
      events.push(...page.events);
      after = page.lastPosition;
      if (page.isEnd) return events.length === total;
    }
  }, { what: `${total} events readable`, timeoutMs: 30_000, intervalMs: 100 });
  const positions = events.map((event) => event.position);
  const last = positions.at(-1)!;
  const messages: PreparedMessage[] = events.map((event) => {
    const message = transform(event);
    return { routingKey: message.routingKey, content: encodeEnvelope(message.envelope), options: message.options };
  });

  const connection = await amqplib.connect(vhost.url);
  context.cleanup(() => connection.close().catch(() => undefined));
  const channel = await connection.createConfirmChannel();
  await declareTopology(channel, PROJECTION_NAMES);
  const purge = async () => {
    for (const name of PROJECTION_NAMES) await channel.purgeQueue(projectionQueue(name));
  };

  for (let run = 0; run < context.runs; run++) {
    await purge();
    const name = `bench-${run}`;
    const relay = await startRelay({ store, pool, databaseUrl: database.url, amqpUrl: vhost.url, logger: quietLogger, metrics: createMetricsRegistry('relay'), name, maxInFlight: MAX_IN_FLIGHT });
    let first: { at: number; count: number } | undefined;
    const deadline = Date.now() + 120_000;
    let done: number | undefined;
    while (done === undefined && Date.now() < deadline) {
      const checkpoint = await readCheckpoint(pool, name);
      const now = performance.now();
      if (checkpoint !== undefined) {
        first ??= { at: now, count: countUpTo(positions, checkpoint) };
        if (checkpoint >= last) done = now;
      }
      if (done === undefined) await sleep(5);
    }
    await relay.stop();
    if (done === undefined || !first || done <= first.at) throw new Error(`relay run ${run + 1} did not carry ${total} events in time`);
    const relayRate = (total - first.count) / ((done - first.at) / 1000);
    results.record({ key: 'relay.store', stage: '2 relay', label: 'relay store -> broker, confirmed', unit: 'events/s', better: 'higher' }, relayRate);

    await purge();
    const rawRate = await rawPublishRate(channel, messages, MAX_IN_FLIGHT);
    results.record({ key: 'relay.raw', stage: '2 relay', label: 'raw confirmed publish', unit: 'msgs/s', better: 'higher', baseline: true }, rawRate);
    context.log(`relay run ${run + 1}: relay ${Math.round(relayRate)}/s (${total - first.count} events timed), raw publish ${Math.round(rawRate)}/s`);
  }
  await purge();
  results.ratio({ key: 'relay.vs-raw', label: 'relay / raw confirmed publish', numerator: 'relay.store', denominator: 'relay.raw' });
  results.goal({ key: 'goal.relay', label: 'relay >= 0.7x raw publish', of: 'relay.vs-raw', op: '>=', target: 0.7 });
}
