import { expect } from 'chai';
import { derivedIds } from '../ids/ids.js';
import { requestHash } from '../idempotency/request-hash.js';
import { IDEMPOTENCY_TABLE } from '../idempotency/schema.js';
import { fragmentInput, useCommandService } from '../testing/command-service-fixture.js';

describe('command service: idempotency keys', () => {
  // Duplicates wait at most 2 s for the first answer (5 s in production), to keep the spec fast.
  const service = useCommandService({ options: { waitMs: 2_000 } });
  const capture = { dreamTitle: 'Offline capture', fragment: fragmentInput() };

  it('answers a retry with the identical first answer and appends nothing', async () => {
    const first = await service.post('CaptureFragment', capture, { idempotencyKey: 'retry-1', correlationId: 'first' });
    expect(first.status).to.equal(201);
    const retry = await service.post('CaptureFragment', capture, { idempotencyKey: 'retry-1', correlationId: 'second' });
    expect(retry.status).to.equal(201);
    expect(retry.body).to.deep.equal(first.body);
    expect(retry.headers.get('idempotent-replayed')).to.equal('true');
    expect(retry.headers.get('etag')).to.equal(first.headers.get('etag'));
    expect(retry.headers.get('x-correlation-id')).to.equal('second');
    expect(await service.events(first.body.dreamId)).to.have.length(2);
    // The ids come from the key and the request: the dream id is the one they derive.
    expect(first.body.dreamId).to.equal(derivedIds('user-1', 'retry-1', requestHash({ type: 'CaptureFragment', data: capture })).id('dream'));
  });

  it('appends once for 20 identical requests racing each other', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => service.post('CaptureFragment', capture, { idempotencyKey: 'race-1' })),
    );
    expect(answers.map((a) => a.status)).to.deep.equal(Array(20).fill(201));
    for (const answer of answers) expect(answer.body).to.deep.equal(answers[0]!.body);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === null)).to.have.length(1);
    expect(await service.events(answers[0]!.body.dreamId)).to.have.length(2);
  });

  it('answers 422 for a different request under a used key', async () => {
    await service.post('CaptureFragment', capture, { idempotencyKey: 'reuse-1' });
    const other = await service.post('CaptureFragment', { ...capture, dreamTitle: 'Something else' }, { idempotencyKey: 'reuse-1' });
    expect(other.status).to.equal(422);
    expect(other.body.error.code).to.equal('idempotency_key_reused');
    const otherType = await service.post('CreateDream', { title: 'Other type' }, { idempotencyKey: 'reuse-1' });
    expect(otherType.status).to.equal(422);
  });

  it('scopes keys per user', async () => {
    const mine = await service.post('CaptureFragment', capture, { idempotencyKey: 'shared-key', userId: 'alice' });
    const theirs = await service.post('CaptureFragment', capture, { idempotencyKey: 'shared-key', userId: 'bob' });
    expect(mine.status).to.equal(201);
    expect(theirs.status).to.equal(201);
    expect(theirs.headers.get('idempotent-replayed')).to.equal(null);
    expect(theirs.body.dreamId).not.to.equal(mine.body.dreamId);
    expect((await service.events(theirs.body.dreamId))[0]!.data).to.include({ ownerId: 'bob' });
  });

  it('keeps a rule error as the first answer', async () => {
    const dreamId = '0b7c6d5e-4f3a-4b2c-9d1e-0f9a8b7c6d5e';
    const first = await service.post('AddTodo', { dreamId, title: 'Orphan' }, { idempotencyKey: 'err-1' });
    expect(first.status).to.equal(404);
    await service.post('ImportDream', { dream: { id: dreamId, title: 'Now it exists' } });
    const retry = await service.post('AddTodo', { dreamId, title: 'Orphan' }, { idempotencyKey: 'err-1' });
    expect(retry.status).to.equal(404);
    expect(retry.body).to.deep.equal(first.body);
    expect(retry.headers.get('idempotent-replayed')).to.equal('true');
    expect(await service.events(dreamId)).to.have.length(1);
  });

  it('recovers a claim left pending by a crash after the append, without appending again', async () => {
    const first = await service.post('CaptureFragment', capture, { idempotencyKey: 'crash-1' });
    // What a crash between the append and storing the answer leaves: a pending claim, past its lease.
    await service.pool.query(
      `UPDATE ${IDEMPOTENCY_TABLE} SET status = 'pending', response = NULL, http_status = NULL, claimed_at = now() - interval '1 hour'
       WHERE user_id = 'user-1' AND key = 'crash-1'`,
    );
    const retry = await service.post('CaptureFragment', capture, { idempotencyKey: 'crash-1' });
    expect(retry.status).to.equal(201);
    expect(retry.body).to.deep.equal(first.body);
    expect(await service.events(first.body.dreamId)).to.have.length(2);
    const { rows } = await service.pool.query(`SELECT status FROM ${IDEMPOTENCY_TABLE} WHERE user_id = 'user-1' AND key = 'crash-1'`);
    expect(rows[0].status).to.equal('done');
  });

  it('recovers even after the dream moved on since the crash', async () => {
    const first = await service.post('CaptureFragment', capture, { idempotencyKey: 'crash-2' });
    await service.post('AddTodo', { dreamId: first.body.dreamId, title: 'Later work' });
    await service.pool.query(
      `UPDATE ${IDEMPOTENCY_TABLE} SET status = 'pending', response = NULL, http_status = NULL, claimed_at = now() - interval '1 hour'
       WHERE user_id = 'user-1' AND key = 'crash-2'`,
    );
    const retry = await service.post('CaptureFragment', capture, { idempotencyKey: 'crash-2' });
    expect(retry.body).to.deep.equal(first.body);
    expect(await service.events(first.body.dreamId)).to.have.length(3);
  });

  it('answers 409 while the first request is still being handled', async () => {
    // A fresh claim of this very request, held by a caller that has not answered yet.
    await service.pool.query(
      `INSERT INTO ${IDEMPOTENCY_TABLE} (user_id, key, request_hash, status, expires_at)
       VALUES ('user-1', 'busy-1', $1, 'pending', now() + interval '1 day')`,
      [requestHash({ type: 'CreateDream', data: { title: 'Busy' } })],
    );
    const started = Date.now();
    const answer = await service.post('CreateDream', { title: 'Busy' }, { idempotencyKey: 'busy-1' });
    expect(answer.status).to.equal(409);
    expect(answer.body.error.code).to.equal('idempotency_key_in_progress');
    expect(Date.now() - started).to.be.at.least(1_900);
  });
});
