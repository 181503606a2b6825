import { expect } from 'chai';
import { useCommandService } from '../testing/command-service-fixture.js';
import { RacingStore } from '../testing/racing-store.js';

const race = new RacingStore();

async function metric(service: ReturnType<typeof useCommandService>, name: string): Promise<number> {
  const values = (await service.metrics.getSingleMetric(name)?.get())?.values ?? [];
  return values.reduce((sum, { value }) => sum + value, 0);
}

describe('command service: concurrent writers', () => {
  const service = useCommandService({ wrapStore: race.wrap });
  const create = async () => (await service.post('CreateDream', { title: 'Contended dream' })).body.dreamId as string;
  const metadata = { userId: 'user-1', roles: ['user'] };

  it('decides again when another edit got in first, and both succeed', async () => {
    const dreamId = await create();
    const retriesBefore = await metric(service, 'command_retries_total');
    let other: Awaited<ReturnType<typeof service.service.handleCommand>> | undefined;
    race.interleave = async () => {
      other = await service.service.handleCommand({ type: 'SetDreamTags', data: { dreamId, tags: ['raced'] }, metadata });
    };
    const answer = await service.post('ChangeDreamDetails', { dreamId, title: 'Renamed while racing' });
    expect(other?.status).to.equal(200);
    expect((other?.body as { revision: string }).revision).to.equal('1');
    expect(answer.status).to.equal(200);
    expect(answer.body.revision).to.equal('2');
    expect((await service.events(dreamId)).map((e) => e.type)).to.deep.equal(['DreamCreated', 'DreamTagged', 'DreamDetailsChanged']);
    expect((await metric(service, 'command_retries_total')) - retriesBefore).to.equal(1);
  });

  it('re-checks the rules on the fresh state when deciding again', async () => {
    const dreamId = await create();
    race.interleave = () => service.service.handleCommand({ type: 'DeleteDream', data: { dreamId }, metadata });
    const answer = await service.post('AddTodo', { dreamId, title: 'Added to a deleted dream?' });
    expect(answer.status).to.equal(404);
    expect((await service.events(dreamId)).map((e) => e.type)).to.deep.equal(['DreamCreated', 'DreamDeleted']);
  });

  it('lets two different edits sent at once both succeed, as revisions 1 and 2', async () => {
    const dreamId = await create();
    const answers = await Promise.all([
      service.post('ChangeDreamStatus', { dreamId, status: 'in_progress' }),
      service.post('AddTodo', { dreamId, title: 'In parallel' }),
    ]);
    expect(answers.map((a) => a.status)).to.deep.equal([200, 200]);
    expect(answers.map((a) => a.body.revision).sort()).to.deep.equal(['1', '2']);
  });

  it('answers 412 at once for an If-Match the stream has moved past', async () => {
    const dreamId = await create();
    await service.post('AddTodo', { dreamId, title: 'Moves the stream to 1' });
    const answer = await service.post('ChangeDreamDetails', { dreamId, title: 'Based on revision 0' }, { expectedRevision: '0' });
    expect(answer.status).to.equal(412);
    expect(answer.body.error.details).to.include({ expectedRevision: '0', currentRevision: '1' });
    expect(answer.headers.get('etag')).to.equal('"1"');
    expect(await service.events(dreamId)).to.have.length(2);
  });

  it('answers 412, without retrying, when a write lands between reading and appending under If-Match', async () => {
    const dreamId = await create();
    race.interleave = () => service.service.handleCommand({ type: 'AddTodo', data: { dreamId, title: 'Sneaks in' }, metadata });
    const answer = await service.post('ChangeDreamDetails', { dreamId, title: 'Based on revision 0' }, { expectedRevision: '0' });
    expect(answer.status).to.equal(412);
    expect(answer.body.error.details).to.include({ currentRevision: '1' });
    expect((await service.events(dreamId)).map((e) => e.type)).to.deep.equal(['DreamCreated', 'TodoAdded']);
  });

  it('applies an edit whose If-Match is current', async () => {
    const dreamId = await create();
    const answer = await service.post('ChangeDreamDetails', { dreamId, title: 'Based on revision 0' }, { expectedRevision: '0' });
    expect(answer.status).to.equal(200);
    expect(answer.headers.get('etag')).to.equal('"1"');
  });
});
