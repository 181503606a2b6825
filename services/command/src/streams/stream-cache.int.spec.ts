import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { PostgresDataKeys } from '@dreamcatcher/audit';
import { createLogger, createMetricsRegistry } from '@dreamcatcher/service-kit';
import { createCommandService, type CommandService } from '../http/app.js';
import { useCommandService } from '../testing/command-service-fixture.js';
import { RacingStore } from '../testing/racing-store.js';
import { erasedAmongFor } from './erased-subjects.js';

const race = new RacingStore();
const erased = new Set<string>();

describe('command service: the cache of folded streams', () => {
  const service = useCommandService({
    wrapStore: race.wrap,
    options: { erasedAmong: async (subjects) => new Set([...subjects].filter((subject) => erased.has(subject))) },
  });
  const userId = 'cache-user';
  const metadata = { userId, roles: ['user'] };
  /** A second replica on the same store and database, with its own cache. */
  let replica: CommandService;

  before(() => {
    replica = createCommandService({
      store: service.store,
      pool: service.pool,
      logger: createLogger({ service: 'replica', level: 'error' }),
      metrics: createMetricsRegistry('replica'),
      token: 'replica-token',
    });
  });

  const dreamWithTodos = async (count: number) => {
    const created = await service.post('CreateDream', { title: 'A long dream' }, { userId });
    for (let i = 0; i < count; i++) expect((await service.post('AddTodo', { dreamId: created.body.dreamId, title: `Todo ${i}` }, { userId })).status).to.equal(200);
    return created.body.dreamId as string;
  };

  it('reads only the events after the cached revision', async () => {
    const dreamId = await dreamWithTodos(30);
    race.reads.length = 0;
    const answer = await service.post('ChangeDreamStatus', { dreamId, status: 'in_progress' }, { userId });
    expect(answer.status).to.equal(200);
    expect(answer.body.revision).to.equal('31');
    // The previous command cached revision 29 and appended 30: only that one event is read.
    expect(race.reads).to.deep.equal([{ from: 30n, events: 1 }]);
  });

  it("sees another replica's appends, and a conflict with one drops the entry so the stream is read whole", async () => {
    const dreamId = await dreamWithTodos(3);
    // The other replica appends after this one cached the stream: an If-Match on its revision is current here too.
    const elsewhere = await replica.handleCommand({ type: 'AddTodo', data: { dreamId, title: 'Added elsewhere' }, metadata });
    expect(elsewhere.status).to.equal(200);
    const revision = (elsewhere.body as { revision: string }).revision;
    const current = await service.post('ChangeDreamDetails', { dreamId, title: 'Renamed' }, { userId, expectedRevision: revision });
    expect(current.status, JSON.stringify(current.body)).to.equal(200);

    // The other replica appends between this one's read and its append.
    let raced: Awaited<ReturnType<CommandService['handleCommand']>> | undefined;
    race.interleave = async () => {
      raced = await replica.handleCommand({ type: 'AddTodo', data: { dreamId, title: 'Raced in' }, metadata });
    };
    race.reads.length = 0;
    const answer = await service.post('SetDreamTags', { dreamId, tags: ['raced'] }, { userId });
    expect(raced?.status).to.equal(200);
    expect(answer.status).to.equal(200);
    // From the event this replica appended last (its entry is the state it decided on), then, after the conflict, whole.
    expect(race.reads.map((read) => read.from)).to.deep.equal([BigInt(current.body.revision), undefined]);

    // This replica now decides on the raced todo: its state holds it.
    const todoId = (raced!.body as { todoId: string }).todoId;
    const completed = await service.post('CompleteTodo', { dreamId, todoId }, { userId });
    expect(completed.status, JSON.stringify(completed.body)).to.equal(200);
    expect((await service.events(dreamId)).map((event) => event.type).slice(-4)).to.deep.equal(['DreamDetailsChanged', 'TodoAdded', 'DreamTagged', 'TodoCompleted']);
  });

  it('keeps no entry for a person once erased: the stream is read whole again', async () => {
    const dreamId = await dreamWithTodos(2);
    await service.post('AddTodo', { dreamId, title: 'Cached' }, { userId });
    erased.add(userId);
    race.reads.length = 0;
    await service.post('AddTodo', { dreamId, title: 'After erasure' }, { userId });
    erased.delete(userId);
    expect(race.reads[0]).to.deep.equal({ from: undefined, events: 4 });
  });

  it('learns who was erased from the data keys', async () => {
    const keys = new PostgresDataKeys(service.pool, { masterKey: randomBytes(32), cacheTtlMs: 0 });
    await keys.keyForWriting('kept-subject');
    await keys.erase('erased-subject');
    expect(await erasedAmongFor(keys)(new Set(['kept-subject', 'erased-subject']))).to.deep.equal(new Set(['erased-subject']));
  });
});
