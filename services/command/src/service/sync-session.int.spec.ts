import { expect } from 'chai';
import { fragmentInput, useCommandService } from '../testing/command-service-fixture.js';

describe('command service: sync sessions', () => {
  const service = useCommandService();
  const dreamId = '7c6b5a49-3827-4165-9f4e-3d2c1b0a9f8e';
  const missingDream = '1e2d3c4b-5a69-4788-9a6b-5c4d3e2f1a0b';

  const batch = (fragmentTitle: string) => [
    { idempotencyKey: 'sync-1', command: { type: 'ImportDream', data: { dream: { id: dreamId, title: 'Queued offline' } } } },
    { idempotencyKey: 'sync-2', command: { type: 'AddFragment', data: { dreamId, ...fragmentInput(fragmentTitle) } } },
    { idempotencyKey: 'sync-3', command: { type: 'AddTodo', data: { dreamId: missingDream, title: 'Lost todo' } } },
    { idempotencyKey: 'sync-4', command: { type: 'CaptureFragment', data: { dreamId, fragment: fragmentInput('Second capture') } } },
    { idempotencyKey: 'sync-5', command: { type: 'TeleportDream', data: {} } },
  ];

  it('handles items in order, each with its own result, and a resent batch appends nothing twice', async () => {
    // Item 2 is invalid (an empty title): it fails alone, the others go through.
    const first = await service.sync(batch(''), { sessionId: 'session-1', correlationId: 'sync-corr' });
    expect(first.status).to.equal(200);
    expect(first.body.sessionId).to.equal('session-1');
    expect(first.headers.get('x-correlation-id')).to.equal('sync-corr');
    const statuses = first.body.items.map((item: { idempotencyKey: string; status: number }) => [item.idempotencyKey, item.status]);
    expect(statuses).to.deep.equal([['sync-1', 201], ['sync-2', 400], ['sync-3', 404], ['sync-4', 200], ['sync-5', 404]]);
    expect(first.body.items[0].answer.dreamId).to.equal(dreamId);
    expect(first.body.items[1].error.code).to.equal('validation_failed');
    expect(first.body.items[1]).not.to.have.property('answer');
    expect(first.body.items.map((item: { replayed: boolean }) => item.replayed)).to.deep.equal([false, false, false, false, false]);
    expect(first.body.items[4].error.code).to.equal('unknown_command');
    const afterFirst = await service.events(dreamId);
    expect(afterFirst.map((e) => e.type)).to.deep.equal(['DreamImported', 'FragmentCaptured']);
    expect(afterFirst.every((e) => e.metadata.correlationId === 'sync-corr')).to.equal(true);

    // The same batch again: the same answers, stored ones replayed, nothing appended.
    const resent = await service.sync(batch(''));
    const withoutReplayed = (items: { replayed: boolean }[]) => items.map(({ replayed: _replayed, ...rest }) => rest);
    expect(withoutReplayed(resent.body.items)).to.deep.equal(withoutReplayed(first.body.items));
    // Invalid items (400, unknown command) are refused before their key is held, so nothing of theirs is stored.
    expect(resent.body.items.map((item: { replayed: boolean }) => item.replayed)).to.deep.equal([true, false, true, true, false]);
    expect(await service.events(dreamId)).to.have.length(2);

    // With the broken item fixed: only it is carried out now.
    const fixed = await service.sync(batch('Fixed title'));
    expect(fixed.body.items.map((item: { status: number }) => item.status)).to.deep.equal([201, 200, 404, 200, 404]);
    expect(fixed.body.items[0]).to.deep.equal({ ...first.body.items[0], replayed: true });
    expect(fixed.body.items[3]).to.deep.equal({ ...first.body.items[3], replayed: true });
    expect(fixed.body.items[1]).to.include({ status: 200, replayed: false });
    expect((await service.events(dreamId)).map((e) => e.type)).to.deep.equal(['DreamImported', 'FragmentCaptured', 'FragmentCaptured']);
  });

  it('answers 400 for a malformed batch, listing every problem', async () => {
    const answer = await service.sync([{ command: { type: 'AddTodo', data: {} } }, { idempotencyKey: 'x'.repeat(201), command: 'nope' }]);
    expect(answer.status).to.equal(400);
    expect(answer.body.error.details.violations.map((v: { path: string }) => v.path)).to.have.members([
      '/items/0/idempotencyKey',
      '/items/1/idempotencyKey',
      '/items/1/command',
    ]);
    expect((await service.sync([])).status).to.equal(400);
  });

  it('needs the service token', async () => {
    expect((await service.sync(batch('x'), { token: null })).status).to.equal(401);
  });
});
