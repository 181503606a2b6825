import { expect } from 'chai';
import { ENCRYPTED_PREFIX, verifyDream } from '@dreamcatcher/audit';
import { dreamStreamId } from '@dreamcatcher/domain';
import { requestHash } from '../idempotency/request-hash.js';
import { derivedIds } from '../ids/ids.js';
import { fragmentInput, useCommandService } from '../testing/command-service-fixture.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('command service: event metadata', () => {
  const service = useCommandService();
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('records user, correlation, causation, trace context, time and schema version on every event', async () => {
    const answer = await service.post(
      'CaptureFragment',
      { fragment: fragmentInput() },
      { correlationId: 'corr-123', traceparent, tracestate: 'vendor=1', idempotencyKey: 'meta-key' },
    );
    expect(answer.headers.get('x-correlation-id')).to.equal('corr-123');
    const events = await service.events(answer.body.dreamId);
    expect(events).to.have.length(2);
    const [created, captured] = events;
    const commandId = created!.metadata.causationId;
    // The command id is the one derived from the user, the key and the request.
    expect(commandId).to.equal(derivedIds('user-1', 'meta-key', requestHash({ type: 'CaptureFragment', data: { fragment: fragmentInput() } })).commandId);
    for (const event of events) {
      expect(event.metadata).to.deep.equal({
        userId: 'user-1',
        subjectId: 'user-1',
        correlationId: 'corr-123',
        causationId: commandId,
        commandId,
        commandType: 'CaptureFragment',
        idempotencyKey: 'meta-key',
        traceparent,
        tracestate: 'vendor=1',
        occurredAt: created!.metadata.occurredAt,
        schemaVersion: 1,
      });
    }
    // One clock read: the fragment's default capture time is the events' time.
    expect((captured!.data as { fragment: { capturedAt: string } }).fragment.capturedAt).to.equal(created!.metadata.occurredAt);
    expect(Date.parse(created!.metadata.occurredAt)).to.be.closeTo(Date.now(), 60_000);
  });

  it('takes the X-Correlation-Id header when the metadata has none', async () => {
    const answer = await service.request('/commands/CreateDream', {
      method: 'POST',
      headers: { authorization: 'Bearer test-command-service-token', 'content-type': 'application/json', 'x-correlation-id': 'from-header' },
      body: JSON.stringify({ data: { title: 'Header correlation' }, metadata: { userId: 'user-1', roles: ['user'] } }),
    });
    expect(answer.headers.get('x-correlation-id')).to.equal('from-header');
    expect((await service.events(answer.body.dreamId))[0]!.metadata.correlationId).to.equal('from-header');
  });

  it('makes a new correlation id when the request has none, and drops a malformed traceparent', async () => {
    const answer = await service.post('CreateDream', { title: 'No correlation' }, { traceparent: 'garbage' });
    const correlationId = answer.headers.get('x-correlation-id');
    expect(correlationId).to.match(UUID);
    const [event] = await service.events(answer.body.dreamId);
    expect(event!.metadata.correlationId).to.equal(correlationId);
    expect(event!.metadata).not.to.have.property('traceparent');
    expect(event!.metadata).not.to.have.property('idempotencyKey');
    expect(event!.metadata.causationId).to.not.equal(correlationId);
  });

  it("names the dream's owner as data subject whoever acts on it, and stores personal fields encrypted and chained", async () => {
    const created = await service.post('CreateDream', { title: "Alice's secret plan" }, { userId: 'alice' });
    const { dreamId } = created.body;
    expect((await service.post('ChangeDreamDetails', { dreamId, description: 'Edited by an admin' }, { userId: 'root', roles: ['admin'] })).status).to.equal(200);
    expect((await service.post('ReportSync', { dreamId, status: 'failed', reason: 'PipelineOS was down' }, { userId: 'pipelineos', roles: ['integration'] })).status).to.equal(200);

    const events = await service.events(dreamId);
    expect(events.map((e) => [e.type, e.metadata.userId, e.metadata.subjectId])).to.deep.equal([
      ['DreamCreated', 'alice', 'alice'],
      ['DreamDetailsChanged', 'root', 'alice'],
      ['DreamSyncFailed', 'pipelineos', 'alice'],
    ]);
    // Read through the audited store: decrypted, and the chain is the store's business.
    expect(events[0]!.data).to.include({ title: "Alice's secret plan" });
    expect(events[0]!.metadata).not.to.have.property('hash');

    const raw = await service.raw.readStream(dreamStreamId(dreamId));
    expect((raw[0]!.data as { title: string }).title.startsWith(`${ENCRYPTED_PREFIX}alice:`)).to.equal(true);
    expect((raw[2]!.data as { reason: string }).reason.startsWith(`${ENCRYPTED_PREFIX}alice:`)).to.equal(true);
    expect(raw[1]!.metadata.previousHash).to.equal(raw[0]!.metadata.hash);
    expect(await verifyDream(service.raw, dreamId)).to.deep.include({ ok: true, checked: 3 });
  });
});
