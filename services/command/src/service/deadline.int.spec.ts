import { expect } from 'chai';
import { useCommandService } from '../testing/command-service-fixture.js';
import { deadlineFrom, REQUEST_TIMEOUT_HEADER, type Deadline } from './deadline.js';

describe("command service: the caller's deadline", () => {
  const service = useCommandService();
  const metadata = { userId: 'deadline-user', roles: ['user'] };

  const createDream = async () => {
    const answer = await service.post('CreateDream', { title: 'Has a deadline' }, { userId: metadata.userId });
    expect(answer.status).to.equal(201);
    return answer.body.dreamId as string;
  };
  const todos = (dreamId: string, count: number, prefix: string) =>
    Array.from({ length: count }, (_, index) => ({ idempotencyKey: `${prefix}-${index}`, command: { type: 'AddTodo', data: { dreamId, title: `Todo ${index}` } } }));
  /** A deadline that passes once it has been asked `checks` times. */
  const passingAfter = (checks: number): Deadline => {
    let asked = 0;
    return { passed: () => ++asked > checks };
  };

  it('stops a sync session before the first item past the deadline, reports the items not run, and a resent session runs only those', async () => {
    const dreamId = await createDream();
    const items = todos(dreamId, 5, 'stopped');
    const stopped = await service.service.handleSyncSession({ items, metadata }, passingAfter(2)).then(
      () => expect.fail('the session ran past its deadline'),
      (error: { status: number; code: string; details: { items: { idempotencyKey: string; status: number }[]; notRun: string[] } }) => error,
    );
    expect(stopped.status).to.equal(503);
    expect(stopped.code).to.equal('deadline_exceeded');
    expect(stopped.details.items.map((item) => [item.idempotencyKey, item.status])).to.deep.equal([['stopped-0', 200], ['stopped-1', 200]]);
    expect(stopped.details.notRun).to.deep.equal(['stopped-2', 'stopped-3', 'stopped-4']);
    expect((await service.events(dreamId)).map((event) => event.type)).to.deep.equal(['DreamCreated', 'TodoAdded', 'TodoAdded']);

    const resent = await service.service.handleSyncSession({ items, metadata });
    expect(resent.items.map((item) => item.replayed)).to.deep.equal([true, true, false, false, false]);
    expect(await service.events(dreamId)).to.have.length(6);
  });

  it('answers 503 deadline_exceeded over HTTP, running nothing, when the caller has already given up', async () => {
    const dreamId = await createDream();
    const session = await service.request('/sync-sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer test-command-service-token', [REQUEST_TIMEOUT_HEADER]: '0' },
      body: JSON.stringify({ items: todos(dreamId, 3, 'expired'), metadata }),
    });
    expect(session.status).to.equal(503);
    expect(session.body.error.code).to.equal('deadline_exceeded');
    expect(session.body.error.details).to.deep.equal({ items: [], notRun: ['expired-0', 'expired-1', 'expired-2'] });

    const command = await service.request('/commands/AddTodo', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer test-command-service-token', [REQUEST_TIMEOUT_HEADER]: '0' },
      body: JSON.stringify({ data: { dreamId, title: 'Too late' }, metadata }),
    });
    expect(command.status).to.equal(503);
    expect(command.body.error.code).to.equal('deadline_exceeded');
    expect(await service.events(dreamId)).to.have.length(1);
  });

  it('runs everything within the deadline, and reads a missing or malformed header as no deadline', async () => {
    const dreamId = await createDream();
    const session = await service.request('/sync-sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer test-command-service-token', [REQUEST_TIMEOUT_HEADER]: '60000' },
      body: JSON.stringify({ items: todos(dreamId, 2, 'in-time'), metadata }),
    });
    expect(session.status).to.equal(200);
    expect(session.body.items.map((item: { status: number }) => item.status)).to.deep.equal([200, 200]);
    let now = 0;
    const clock = () => now;
    for (const header of [undefined, '', 'soon', '-5', '1.5']) expect(deadlineFrom(header, clock), String(header)).to.equal(undefined);
    const deadline = deadlineFrom('100', clock)!;
    now = 99;
    expect(deadline.passed()).to.equal(false);
    now = 100;
    expect(deadline.passed()).to.equal(true);
  });
});
