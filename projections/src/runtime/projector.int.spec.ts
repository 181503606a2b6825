import { expect } from 'chai';
import pg from 'pg';
import { deadLetterQueue, EVENTS_EXCHANGE, projectionQueue, type ConfirmChannel } from '@dreamcatcher/service-kit';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { runCli } from '../cli.js';
import { PROJECTIONS } from '../registry.js';
import { storeReader } from '../rebuild/build.js';
import { getDreamDetail } from '../dream_detail/queries.js';
import { getDreamSummary, listDreams } from '../dream_summary/queries.js';
import { Clock, DreamScript } from '../testing/dream-script.js';
import { appendScripts, publishEnvelope, quietLogger, useReadModelDatabase, useTestBroker } from '../testing/harness.js';
import { mixedWorkload, USER_A } from '../testing/workload.js';
import { readCheckpoints } from './checkpoints.js';
import { Projector, projectorOptions } from './consumer.js';
import { fromRecorded, type ProjectionEvent } from './events.js';
import { CHECKPOINT_CHANNEL } from './names.js';
import { withReaderScope } from './reader-scope.js';

describe('projector (RabbitMQ)', function () {
  this.timeout(30_000);
  let summary: Projector;
  let detail: Projector;
  // The broker's hooks come first so that its cleanup (stopping the projectors) runs before the database goes.
  const test = useTestBroker('dc_proj_amqp', async () => {
    await summary?.stop();
    await detail?.stop();
  });
  const database = useReadModelDatabase('dc_proj_amqp');
  let publisher: ConfirmChannel;
  const logger = quietLogger();

  before(async () => {
    const { connection } = test.broker;
    publisher = test.broker.publisher;
    const deps = { pool: database.db.pool, readStream: storeReader(database.db.store), logger };
    const retry = { attempts: 3, initialDelayMs: 5, maxDelayMs: 20 };
    summary = new Projector(deps, projectorOptions(PROJECTIONS.dream_summary, { batchSize: 20, prefetch: 50, retry }));
    detail = new Projector(deps, projectorOptions(PROJECTIONS.dream_detail, { batchSize: 20, prefetch: 50, retry }));
    await summary.attach(connection);
    await detail.attach(connection);
  });

  async function publish(events: ProjectionEvent[]): Promise<void> {
    for (const event of events) publishEnvelope(publisher, event);
    await publisher.waitForConfirms();
  }

  const settled = (projector: Projector, messages: number) => eventually(() => projector.stats.messages >= messages, { what: `${projector.name} to finish ${messages} messages` });
  const snapshot = async (table: string) => (await database.db.pool.query(`SELECT * FROM read_models.${table} ORDER BY 1, 2`)).rows;

  it('applies published events in batches, acknowledges them and announces its checkpoint', async () => {
    const listener = new pg.Client({ connectionString: database.db.url });
    await listener.connect();
    const notified: string[] = [];
    listener.on('notification', (message) => notified.push(message.payload ?? ''));
    await listener.query(`LISTEN ${CHECKPOINT_CHANNEL}`);
    try {
      const events = await appendScripts(database.db.store, mixedWorkload().scripts);
      await publish(events);
      const last = events.at(-1)!.position;
      await eventually(async () => (await readCheckpoints(database.db.pool)).dream_detail === last && (await readCheckpoints(database.db.pool)).dream_summary === last, { what: 'checkpoints at the last position' });
      await settled(summary, events.length);
      const { items } = await withReaderScope(database.db.pool, USER_A, (client) => listDreams(client, USER_A));
      expect(items).to.have.length(2);
      await eventually(() => notified.includes(`dream_summary:${last}`), { what: 'checkpoint notification' });
      const queue = await publisher.checkQueue(projectionQueue('dream_summary'));
      expect(queue.messageCount).to.equal(0);
    } finally {
      await listener.end();
    }
  });

  it('changes nothing when every message is delivered again', async () => {
    const before = { summary: await snapshot('dream_summary'), todos: await snapshot('dream_todos') };
    const events = (await database.db.store.readAll({ maxCount: 1_000 })).events;
    const seen = summary.stats.messages;
    await publish(events.map(fromRecorded));
    await settled(summary, seen + events.length);
    await settled(detail, seen + events.length);
    expect(await snapshot('dream_summary')).to.deep.equal(before.summary);
    expect(await snapshot('dream_todos')).to.deep.equal(before.todos);
  });

  it('applies revision 3 delivered before revisions 1 and 2 by reading the gap from the store', async () => {
    const script = new DreamScript(USER_A, new Clock()).created({ title: 'Out of order' }).captured().todoAdded('t').detailsChanged({ title: 'In order after all' });
    const [r0, r1, r2, r3] = await appendScripts(database.db.store, [script]);
    const seen = summary.stats.messages;
    await publish([r3!]);
    await settled(summary, seen + 1);
    const early = await withReaderScope(database.db.pool, USER_A, (client) => getDreamSummary(client, USER_A, script.dreamId));
    expect(early).to.include({ title: 'In order after all', fragmentCount: 1, todoCount: 1 });
    await publish([r1!, r2!, r0!]);
    await settled(summary, seen + 4);
    expect(await withReaderScope(database.db.pool, USER_A, (client) => getDreamSummary(client, USER_A, script.dreamId))).to.deep.equal(early);
  });

  it('dead-letters a message that keeps failing, carries on, and replays it from the command line', async () => {
    const env = { DATABASE_URL: database.db.url, AMQP_URL: test.broker.url };
    const cli = async (...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(argv, env, { out: (text) => out.push(text), err: (text) => err.push(text) });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    // Revision 2 of a stream the store does not have yet: the gap cannot be filled.
    const script = new DreamScript(USER_A, new Clock()).created({ title: 'Arrived too early' }).todoAdded('a').captured();
    const [stray] = script.events.slice(2);
    const early: ProjectionEvent = { eventId: stray!.id, type: stray!.type, data: stray!.data, metadata: stray!.metadata, streamId: script.streamId, revision: 2n, position: 1n };
    const other = new DreamScript(USER_A, new Clock()).created({ title: 'Unaffected' });
    const seen = { summary: summary.stats.messages, dead: summary.stats.deadLettered };
    await publish([early]);
    await publish(await appendScripts(database.db.store, [other]));
    await settled(summary, seen.summary + 2);
    expect(summary.stats.deadLettered).to.equal(seen.dead + 1);
    expect(await withReaderScope(database.db.pool, USER_A, (client) => getDreamSummary(client, USER_A, other.dreamId))).to.include({ title: 'Unaffected' });

    const listed = await cli('--json', 'dead-letters', 'list', 'dream_summary');
    expect(listed.code, listed.err).to.equal(0);
    const letters = JSON.parse(listed.out) as { messageId: string; reason: string; attempts: number; streamId: string }[];
    expect(letters).to.have.length(1);
    expect(letters[0]).to.include({ messageId: stray!.id, attempts: 3, streamId: script.streamId });
    expect(letters[0]!.reason).to.match(/missing/);
    // Listing leaves the letter where it was (returned to its queue when the channel closes).
    const backInQueue = () => eventually(async () => (await publisher.checkQueue(deadLetterQueue(projectionQueue('dream_summary')))).messageCount === 1, { what: 'the letter back in its queue' });
    await backInQueue();
    const shown = await cli('dead-letters', 'show', 'dream_summary', stray!.id);
    expect(shown.code).to.equal(0);
    expect(shown.out).to.contain('StreamGapError').and.to.contain('"type": "FragmentCaptured"');
    await backInQueue();
    expect((await cli('dead-letters', 'show', 'dream_summary', 'no-such-id')).code).to.equal(1);
    await backInQueue();

    // The cause goes away (the store now has the stream) and the letter is replayed.
    await appendScripts(database.db.store, [script]);
    const replayed = await cli('dead-letters', 'replay', 'dream_summary', '--all');
    expect(replayed.code, replayed.err).to.equal(0);
    expect(replayed.out).to.contain('replayed 1 message');
    await eventually(async () => (await withReaderScope(database.db.pool, USER_A, (client) => getDreamSummary(client, USER_A, script.dreamId)))?.fragmentCount === 1, { what: 'the replayed event applied' });
    await eventually(async () => (await publisher.checkQueue(deadLetterQueue(projectionQueue('dream_summary')))).messageCount === 0, { what: 'an empty dead-letter queue' });
    expect(summary.stats.deadLettered).to.equal(seen.dead + 1);
  });

  it('dead-letters a message that is not an event envelope without retrying it', async () => {
    const seen = { messages: detail.stats.messages, dead: detail.stats.deadLettered };
    publisher.publish(EVENTS_EXCHANGE, 'dream.garbage.v1', Buffer.from('not json'), { messageId: 'garbage-1' });
    await publisher.waitForConfirms();
    await settled(detail, seen.messages + 1);
    expect(detail.stats.deadLettered).to.equal(seen.dead + 1);
    const cliOut: string[] = [];
    await runCli(['--json', 'dead-letters', 'list', 'dream_detail'], { DATABASE_URL: database.db.url, AMQP_URL: test.broker.url }, { out: (text) => cliOut.push(text), err: () => undefined });
    const letters = JSON.parse(cliOut.join('\n')) as { messageId: string; attempts: number; error: string; body: unknown }[];
    const letter = letters.find((candidate) => candidate.messageId === 'garbage-1');
    expect(letter).to.include({ messageId: 'garbage-1', attempts: 0, error: 'EnvelopeError', body: 'not json' });
    // The detail projector is still working.
    const workload = new DreamScript(USER_A, new Clock()).created({ title: 'After the garbage' });
    await publish(await appendScripts(database.db.store, [workload]));
    await eventually(async () => (await withReaderScope(database.db.pool, USER_A, (client) => getDreamDetail(client, USER_A, workload.dreamId)))?.title === 'After the garbage', { what: 'detail applied' });
  });

  it('lingers for more messages before applying a batch that is not full, when told to', async () => {
    const activity = new Projector(
      { pool: database.db.pool, readStream: storeReader(database.db.store), logger },
      projectorOptions(PROJECTIONS.user_activity, { batchSize: 20, prefetch: 50, lingerMs: 1_000, retry: { attempts: 3, initialDelayMs: 5, maxDelayMs: 20 } }),
    );
    // Its queue has gathered every event published so far; this test starts it empty.
    await publisher.purgeQueue(projectionQueue('user_activity'));
    await activity.attach(test.broker.connection);
    try {
      const [first, second] = await appendScripts(database.db.store, [new DreamScript(USER_A, new Clock()).created({ title: 'Lingered over' }).captured()]);
      await publish([first!]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(activity.stats.messages, 'applied before the linger ran out').to.equal(0);
      await publish([second!]);
      await settled(activity, 2);
      expect(activity.stats.batches).to.equal(1);
      expect((await readCheckpoints(database.db.pool)).user_activity).to.equal(second!.position);
    } finally {
      await activity.stop();
    }
  });
});
