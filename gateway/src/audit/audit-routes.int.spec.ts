import { expect } from 'chai';
import { ENCRYPTED_PREFIX, ERASED_TEXT } from '@dreamcatcher/audit';
import { dreamStreamId } from '@dreamcatcher/domain';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { aCapture, useGateway } from '../testing/gateway-fixture.js';

interface Item {
  eventId: string;
  type: string;
  streamId: string;
  revision: string;
  position: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

describe('gateway: history, audit and erasure routes', () => {
  const gw = useGateway();
  let ann: string;
  let auditor: string;
  let admin: string;
  let dreamId: string;
  let otherDream: string;

  /**
   * Waits until the store's global order shows everything up to `position`: a transaction
   * elsewhere in the PostgreSQL cluster (other tests share it) can hold it back for a moment.
   */
  const readable = (position: string) =>
    eventually(async () => (await gw.store.headPosition()) >= BigInt(position), { timeoutMs: 20_000, what: `position ${position} in the global order` });

  before(async () => {
    ann = await gw.token('ann');
    auditor = await gw.token('audrey', ['auditor']);
    admin = await gw.token('adam', ['admin']);
    const capture = await gw.call('POST', '/conversations/capture', { token: ann, body: aCapture({ dreamTitle: "Ann's habit tracker" }), headers: { 'x-correlation-id': 'ann-capture' } });
    dreamId = capture.body.dreamId;
    await gw.call('PATCH', `/dreams/${dreamId}`, { token: ann, body: { title: 'Habit tracker, renamed' } });
    await gw.call('POST', `/dreams/${dreamId}/todos`, { token: ann, body: { title: 'Design the streak table' } });
    const other = await gw.call('POST', '/dreams', { token: await gw.token('ben'), body: { title: "Ben's garden planner" } });
    otherDream = other.body.dreamId;
    await readable(other.body.position);
  });

  it("shows owners their dream's history with metadata, decrypted and without the chain; others get 404", async () => {
    const history = await gw.call('GET', `/dreams/${dreamId}/history?limit=2`, { token: ann });
    expect(history.status).to.equal(200);
    const [created, captured] = history.body.items as Item[];
    expect([created!.type, captured!.type]).to.deep.equal(['DreamCreated', 'FragmentCaptured']);
    expect(created!.data).to.include({ title: "Ann's habit tracker" });
    expect(created!.metadata).to.include({ userId: 'ann', subjectId: 'ann', correlationId: 'ann-capture' });
    expect(created!.metadata).to.include.keys('causationId', 'occurredAt');
    expect(created!.metadata).to.not.have.property('hash');
    const rest = await gw.call('GET', `/dreams/${dreamId}/history?limit=2&cursor=${history.body.nextCursor}`, { token: ann });
    expect(rest.body.items.map((item: Item) => item.revision)).to.deep.equal(['2', '3']);
    expect(rest.body.nextCursor).to.equal(null);
    expect((await gw.call('GET', `/dreams/${dreamId}/history`, { token: await gw.token('ben') })).status).to.equal(404);
    expect((await gw.call('GET', `/dreams/${dreamId}/history?cursor=nonsense`, { token: ann })).body.error.details.violations).to.deep.equal([
      { path: '/query/cursor', message: 'is not a cursor of this history' },
    ]);
  });

  it('pages auditors through the whole store with filters, showing the hash chain', async () => {
    const all = await gw.call('GET', '/audit/events?limit=1000', { token: auditor });
    expect(all.status).to.equal(200);
    const items = all.body.items as Item[];
    expect(items.map((item) => item.type)).to.deep.equal(['DreamCreated', 'FragmentCaptured', 'DreamDetailsChanged', 'TodoAdded', 'DreamCreated']);
    expect(items[1]!.metadata.previousHash).to.equal(items[0]!.metadata.hash);
    const paged: Item[] = [];
    for (let cursor: string | null = ''; cursor !== null; ) {
      const page = await gw.call('GET', `/audit/events?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: auditor });
      paged.push(...page.body.items);
      cursor = page.body.nextCursor;
    }
    expect(paged.map((item) => item.eventId)).to.deep.equal(items.map((item) => item.eventId));
    const after = await gw.call('GET', `/audit/events?from=${items[2]!.position}`, { token: auditor });
    expect(after.body.items.map((item: Item) => item.eventId)).to.deep.equal(items.slice(3).map((item) => item.eventId));
    const created = await gw.call('GET', '/audit/events?type=DreamCreated,TodoAdded&userId=ann', { token: auditor });
    expect(created.body.items.map((item: Item) => item.type)).to.deep.equal(['DreamCreated', 'TodoAdded']);
    const none = await gw.call('GET', `/audit/events?occurredFrom=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, { token: auditor });
    expect(none.body).to.deep.equal({ items: [], nextCursor: null });
    const bad = await gw.call('GET', '/audit/events?type=Nope&occurredTo=yesterday&from=1&cursor=x', { token: auditor });
    expect(bad.body.error.details.violations.map((v: { path: string }) => v.path)).to.have.members(['/query', '/query/type', '/query/occurredTo']);
    expect((await gw.call('GET', '/audit/events', { token: ann })).status).to.equal(403);
  });

  it("serves a dream's events and its state by revision or instant", async () => {
    const events = await gw.call('GET', `/audit/dreams/${dreamId}/events?type=DreamDetailsChanged`, { token: auditor });
    expect(events.body.items.map((item: Item) => item.revision)).to.deep.equal(['2']);
    expect((await gw.call('GET', '/audit/dreams/00000000-0000-4000-8000-000000000000/events', { token: auditor })).status).to.equal(404);
    const before = await gw.call('GET', `/audit/dreams/${dreamId}/state?revision=1`, { token: auditor });
    expect(before.body).to.include({ dreamId, revision: '1' });
    expect(before.body.state).to.include({ title: "Ann's habit tracker" });
    const now = await gw.call('GET', `/audit/dreams/${dreamId}/state`, { token: auditor });
    expect(now.body.state).to.include({ title: 'Habit tracker, renamed' });
    expect(now.body.state.todos).to.have.length(1);
    const at = await gw.call('GET', `/audit/dreams/${dreamId}/state?at=${encodeURIComponent(before.body.occurredAt)}`, { token: auditor });
    expect(at.body.revision).to.equal('1');
    expect((await gw.call('GET', `/audit/dreams/${dreamId}/state?at=2000-01-01T00:00:00Z`, { token: auditor })).status).to.equal(404);
  });

  it('exports a range as NDJSON', async () => {
    const res = await fetch(`${gw.url}/api/v1/audit/events/export?type=DreamCreated`, { headers: { authorization: `Bearer ${auditor}` } });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^application\/x-ndjson/);
    const lines = (await res.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as Item);
    expect(lines.map((line) => line.streamId)).to.deep.equal([dreamStreamId(dreamId), dreamStreamId(otherDream)]);
    expect(lines[0]!.metadata).to.include.keys('hash', 'previousHash');
    const head = res.headers.get('x-export-to')!;
    const later = await fetch(`${gw.url}/api/v1/audit/events/export?from=${head}`, { headers: { authorization: `Bearer ${auditor}` } });
    expect(await later.text()).to.equal('');
  });

  it('verifies a chain, and names the event whose stored data was altered', async () => {
    const intact = await gw.call('GET', `/audit/dreams/${dreamId}/verify`, { token: auditor });
    expect(intact.body).to.deep.equal({ dreamId, intact: true, eventCount: 4, headRevision: '3', firstBrokenRevision: null, reason: null });
    const [, , renamed] = await gw.store.readStream(dreamStreamId(dreamId));
    await gw.pool.query(`UPDATE event_store.events SET data = jsonb_set(data, '{changes,status}', '"completed"') WHERE event_id = $1`, [renamed!.id]);
    const broken = await gw.call('GET', `/audit/dreams/${dreamId}/verify`, { token: auditor });
    expect(broken.status).to.equal(200);
    expect(broken.body).to.include({ intact: false, firstBrokenRevision: '2' });
    expect(broken.body.reason).to.contain(`hash_mismatch at event ${renamed!.id}`);
    expect((await gw.call('GET', `/audit/dreams/${otherDream}/verify`, { token: auditor })).body.intact).to.equal(true);
  });

  it("erases a user's personal data (admin only): placeholders everywhere, chains intact, others untouched", async () => {
    expect((await gw.call('POST', '/admin/users/ben/erase', { token: auditor })).status).to.equal(403);
    const erased = await gw.call('POST', '/admin/users/ben/erase', { token: admin, headers: { 'x-correlation-id': 'gdpr-1' } });
    expect(erased.status).to.equal(200);
    expect(erased.body).to.include({ subjectId: 'ben', destroyedKey: true, streamId: 'user-ben', revision: '0' });
    const again = await gw.call('POST', '/admin/users/ben/erase', { token: admin });
    expect(again.body).to.include({ eventId: erased.body.eventId, position: erased.body.position, destroyedKey: false });
    await readable(erased.body.position);

    const [created] = (await gw.call('GET', `/audit/dreams/${otherDream}/events`, { token: auditor })).body.items as Item[];
    expect(created!.data).to.include({ title: ERASED_TEXT, ownerId: 'ben' });
    const [raw] = await gw.store.readStream(dreamStreamId(otherDream));
    expect((raw!.data as { title: string }).title.startsWith(`${ENCRYPTED_PREFIX}ben:`)).to.equal(true);
    expect((await gw.call('GET', `/audit/dreams/${otherDream}/verify`, { token: auditor })).body.intact).to.equal(true);
    const record = await gw.call('GET', '/audit/events?type=UserDataErased', { token: auditor });
    expect(record.body.items[0]).to.deep.include({ streamId: 'user-ben', data: { userId: 'ben' } });
    expect(record.body.items[0].metadata).to.include({ userId: 'adam', subjectId: 'ben', correlationId: 'gdpr-1' });
    expect((await gw.call('GET', `/audit/dreams/${dreamId}/state`, { token: auditor })).body.state).to.include({ title: 'Habit tracker, renamed' });

    // Erasure is final: a user whose data was erased stores no new personal data.
    const cleo = await gw.token('cleo');
    expect((await gw.call('POST', '/dreams', { token: cleo, body: { title: 'Before' } })).status).to.equal(201);
    expect((await gw.call('POST', '/admin/users/cleo/erase', { token: admin })).status).to.equal(200);
    // The command service may hold cleo's key for its cache TTL (DATA_KEY_CACHE_TTL_MS) before it sees the erasure.
    let refused = await gw.call('POST', '/dreams', { token: cleo, body: { title: 'Back again' } });
    await eventually(async () => (refused = await gw.call('POST', '/dreams', { token: cleo, body: { title: 'Back again' } })).status === 410, { timeoutMs: 10_000, what: 'new data for cleo refused' });
    expect(refused.status).to.equal(410);
    expect(refused.body.error.code).to.equal('subject_erased');
  });

  it('answers 404 to erasing an id that never stored personal data, and blocks nothing', async () => {
    const erased = await gw.call('POST', '/admin/users/nobody-yet/erase', { token: admin });
    expect(erased.status, erased.text).to.equal(404);
    expect((await gw.call('GET', '/audit/events?type=UserDataErased', { token: auditor })).body.items.map((event: { streamId: string }) => event.streamId)).not.to.include('user-nobody-yet');
    expect((await gw.call('POST', '/dreams', { token: await gw.token('nobody-yet'), body: { title: 'First dream' } })).status).to.equal(201);
  });
});
