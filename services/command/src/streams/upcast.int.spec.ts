import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { verifyDream } from '@dreamcatcher/audit';
import { dreamStreamId } from '@dreamcatcher/domain';
import { useCommandService } from '../testing/command-service-fixture.js';

describe('command service: events stored in an older schema version', () => {
  const service = useCommandService();
  const userId = 'upcast-user';

  /** A DreamImported as it was written before version 2: no origin, no options, schemaVersion 1. */
  async function storeV1Import(): Promise<string> {
    const dreamId = randomUUID();
    const data = { dreamId, ownerId: userId, title: 'Imported long ago', status: 'idea', brand: 'personal', tags: ['old'], fragments: [], todos: [] };
    const metadata = { userId, subjectId: userId, correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString(), schemaVersion: 1 };
    await service.store.appendToStream(dreamStreamId(dreamId), [{ id: randomUUID(), type: 'DreamImported', data, metadata }]);
    return dreamId;
  }

  it('decides on a dream whose import was stored as version 1', async () => {
    const dreamId = await storeV1Import();
    const added = await service.post('AddTodo', { dreamId, title: 'Still works' }, { userId });
    expect(added.status, JSON.stringify(added.body)).to.equal(200);
    const again = await service.post('ImportDream', { dream: { id: dreamId, title: 'Twice' } }, { userId });
    expect(again.status).to.equal(409);
  });

  it('leaves the stored version 1 event as it was, and writes a new import as version 2 with its origin', async () => {
    const dreamId = await storeV1Import();
    expect(await service.post('AddTodo', { dreamId, title: 'Touch it' }, { userId })).to.have.property('status', 200);
    const [stored] = await service.events(dreamId);
    expect(stored!.metadata.schemaVersion).to.equal(1);
    expect(stored!.data).not.to.have.any.keys('origin', 'pipelineOSOptions');

    const origin = { client: 'extension', localId: 'dream_local_42' };
    const pipelineOSOptions = { createProject: true, createTickets: false, assignAgents: false };
    const imported = await service.post('ImportDream', { dream: { title: 'From the extension' }, origin, pipelineOSOptions }, { userId });
    expect(imported.status, JSON.stringify(imported.body)).to.equal(201);
    const [fresh] = await service.events(imported.body.dreamId as string);
    expect(fresh!.metadata.schemaVersion).to.equal(2);
    expect(fresh!.data).to.deep.include({ origin, pipelineOSOptions });
  });

  it('keeps the hash chain verifiable across a stream holding both versions', async () => {
    const dreamId = await storeV1Import();
    const data = { dreamId, ownerId: userId, title: 'Imported again', status: 'idea', brand: 'personal', tags: [], fragments: [], todos: [], origin: { client: 'extension', localId: 'x-1' } };
    const metadata = { userId, subjectId: userId, correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString(), schemaVersion: 2 };
    await service.store.appendToStream(dreamStreamId(dreamId), [{ id: randomUUID(), type: 'DreamImported', data, metadata }]);
    const versions = (await service.events(dreamId)).map((event) => event.metadata.schemaVersion);
    expect(versions).to.deep.equal([1, 2]);
    const verification = await verifyDream(service.store, dreamId);
    expect(verification.ok, JSON.stringify(verification)).to.equal(true);
  });
});
