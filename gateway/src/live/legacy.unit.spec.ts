import { expect } from 'chai';
import { legacyTranslator } from './legacy.js';

const SERVER_ID = '3f6c2a1e-8b4d-4c7a-9e21-5d0f7b8a9c14';
const detail = {
  id: SERVER_ID,
  title: 'Imported from the extension',
  description: null,
  status: 'in_progress',
  tags: ['a'],
  created: '2026-01-01T00:00:00.000Z',
  updated: '2026-01-02T00:00:00.000Z',
  summary: 'short',
  synced: true,
  pipelineosProjectId: 'proj-1',
  sync: { status: 'synced', syncedAt: '2026-01-02T00:00:00.000Z' },
  fragments: [{ fragmentId: 'f1', content: 'long' }],
  todos: [{ todoId: 't1' }],
  origin: { client: 'extension', localId: 'dream_local_7' },
};

describe("live: the older extension's message shapes", () => {
  it('sends a changed dream whole as a summary under its local id, never its fragments', async () => {
    const asked: string[][] = [];
    const translate = legacyTranslator('ulla', async (userId, dreamId) => (asked.push([userId, dreamId]), detail));
    const message = await translate({ position: '9', message: { type: 'dream_updated', dreamId: SERVER_ID, revision: '3', changed: ['status'] } });
    expect(asked).to.deep.equal([['ulla', SERVER_ID]]);
    expect(message).to.deep.equal({
      type: 'dream_updated',
      position: '9',
      dream: {
        id: 'dream_local_7',
        serverId: SERVER_ID,
        title: 'Imported from the extension',
        description: null,
        status: 'in_progress',
        tags: ['a'],
        created: '2026-01-01T00:00:00.000Z',
        updated: '2026-01-02T00:00:00.000Z',
        summary: 'short',
        synced: true,
        syncStatus: 'synced',
        pipelineosProjectId: 'proj-1',
        syncedAt: '2026-01-02T00:00:00.000Z',
      },
    });
    expect(JSON.stringify(message)).to.not.contain('fragments');
  });

  it('names a deleted, synced or implemented dream by its local id, and a dream the caller cannot read is not sent', async () => {
    let visible = true;
    const translate = legacyTranslator('ulla', async () => (visible ? detail : undefined));
    expect(await translate({ position: '10', message: { type: 'project_created', dreamId: SERVER_ID, project: { id: 'proj-1' } } })).to.deep.equal({
      type: 'project_created', dreamId: 'dream_local_7', project: { id: 'proj-1' }, position: '10',
    });
    expect(await translate({ position: '11', message: { type: 'implementation_completed', dreamId: SERVER_ID, result: null } })).to.include({ dreamId: 'dream_local_7' });
    visible = false;
    expect(await translate({ position: '12', message: { type: 'dream_deleted', dreamId: SERVER_ID } })).to.deep.equal({ type: 'dream_deleted', dreamId: 'dream_local_7', position: '12' });
    expect(await translate({ position: '13', message: { type: 'dream_updated', dreamId: SERVER_ID, revision: null, changed: ['dream'] } })).to.equal(undefined);
  });

  it('names a dream that did not come from an import by the server id, and maps archived to completed', async () => {
    const translate = legacyTranslator('ulla', async () => ({ ...detail, origin: null, status: 'archived' }));
    const message = await translate({ position: '1', message: { type: 'dream_updated', dreamId: SERVER_ID, revision: null, changed: ['status'] } });
    expect(message!.dream).to.include({ id: SERVER_ID, status: 'completed' });
  });
});
