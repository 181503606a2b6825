import { expect } from 'chai';
import { validateEvent } from '@dreamcatcher/contracts';
import type { RecordedEvent } from '@dreamcatcher/event-store';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { createAuditedStore } from '../audited-store.js';
import { verifyAll, verifyDream } from '../chain/verify.js';
import { ERASED_TEXT, ERASED_URL } from '../encryption/personal-fields.js';
import { SubjectErasedError } from '../keys/data-keys.js';
import { PostgresDataKeys } from '../keys/postgres-data-keys.js';
import { useAuditFixture } from '../testing/audit-fixture.js';
import { DreamStory } from '../testing/dream-story.js';
import { eraseKnownSubject, eraseSubject, erasureEventId } from './erase-subject.js';

const dataOf = (events: RecordedEvent[]) => events.map((event) => event.data as Record<string, any>);

describe('erasing a user by crypto-shredding', () => {
  const fixture = useAuditFixture();
  const alice = new DreamStory('alice');
  const bob = new DreamStory('bob');
  let aliceRawBefore: RecordedEvent[];

  before(async () => {
    await fixture.store.appendToStream(alice.streamId, [
      alice.created('Alice\'s secret plan', 'Only Alice knows'),
      alice.fragmentCaptured('Chat with Alice', 'Alice: here is my idea'),
      alice.todoAdded('Call the bank', 'alice@example.com'),
      alice.documentAttached('Alice passport', 'alice-passport.pdf'),
      alice.syncFailed('Alice\'s project name was rejected'),
    ]);
    await fixture.store.appendToStream(bob.streamId, [bob.created('Bob\'s plan', 'Bob writes'), bob.fragmentCaptured('Bob chat', 'Bob: hello')]);
    aliceRawBefore = await fixture.raw.readStream(alice.streamId);
  });

  it('reads personal data decrypted before erasure, including what an integration reported about the owner', async () => {
    const [created, fragment, todo, document, failure] = dataOf(await fixture.store.readStream(alice.streamId));
    expect(created).to.include({ title: 'Alice\'s secret plan', description: 'Only Alice knows' });
    expect(fragment!.fragment).to.include({ title: 'Chat with Alice', content: 'Alice: here is my idea' });
    expect(todo!.todo).to.include({ assignedTo: 'alice@example.com' });
    expect(document!.document).to.include({ fileName: 'alice-passport.pdf' });
    expect(failure).to.include({ reason: 'Alice\'s project name was rejected' });
    expect(JSON.stringify(aliceRawBefore.map((event) => event.data))).to.not.match(/Alice|alice@|passport/);
  });

  it('makes the personal data unreadable, keeps every event schema-valid, and leaves the chain and other users intact', async () => {
    // Another process has read (and cached) Alice's key just before the erasure.
    const otherKeys = new PostgresDataKeys(fixture.pool, { masterKey: fixture.masterKey, cacheTtlMs: 300 });
    const otherProcess = createAuditedStore(fixture.raw, { keys: otherKeys });
    expect(dataOf(await otherProcess.readStream(alice.streamId))[0]).to.include({ title: 'Alice\'s secret plan' });

    const result = await eraseSubject(fixture.store, fixture.keys, 'alice', { actor: 'admin-1', correlationId: 'gdpr-request-17' });
    expect(result).to.deep.include({ subjectId: 'alice', destroyedKey: true, streamId: 'user-alice', eventId: erasureEventId('alice'), revision: '0' });

    const events = await fixture.store.readStream(alice.streamId);
    const [created, fragment, todo, document, failure] = dataOf(events);
    expect(created).to.deep.include({ title: ERASED_TEXT, description: ERASED_TEXT, status: 'idea', brand: 'bc-studio', tags: ['mobile'], ownerId: 'alice' });
    expect(fragment!.fragment).to.deep.include({ title: ERASED_TEXT, content: ERASED_TEXT, url: ERASED_URL, features: [], codeSnippets: [], source: 'chatgpt', mode: 'all' });
    expect(todo!.todo).to.deep.include({ title: ERASED_TEXT, assignedTo: ERASED_TEXT, priority: 'high', status: 'pending' });
    expect(document!.document).to.deep.include({ title: ERASED_TEXT, fileName: ERASED_TEXT, fileType: 'application/pdf', size: 1234 });
    expect(failure).to.include({ reason: ERASED_TEXT });
    for (const event of events) expect(validateEvent(event.type, 1, event.data), event.type).to.deep.equal([]);

    // Nothing stored changed: the erasure destroyed a key, not an event.
    expect(await fixture.raw.readStream(alice.streamId)).to.deep.equal(aliceRawBefore);
    const { rows } = await fixture.pool.query('SELECT wrapped_key, erased_at FROM audit.data_keys WHERE subject_id = $1', ['alice']);
    expect(rows[0]).to.include({ wrapped_key: null });
    expect(rows[0].erased_at).to.be.instanceOf(Date);

    expect(dataOf(await fixture.store.readStream(bob.streamId))[1]!.fragment).to.include({ title: 'Bob chat', content: 'Bob: hello' });
    expect(await verifyDream(fixture.store, alice.dreamId)).to.deep.include({ ok: true, checked: 5 });
    await fixture.allReadable();
    expect(await verifyAll(fixture.store)).to.deep.include({ ok: true, checked: 8, streams: 3 });

    // The other process drops the key within its cache TTL.
    const started = Date.now();
    await eventually(async () => dataOf(await otherProcess.readStream(alice.streamId))[0]!.title === ERASED_TEXT, { timeoutMs: 5_000, what: 'the other process to see the erasure' });
    expect(Date.now() - started).to.be.below(2_500);
  });

  it('records UserDataErased in the user\'s stream, for projections to drop their rows', async () => {
    const [event] = await fixture.auditorStore.readStream('user-alice');
    expect(event).to.deep.include({ id: erasureEventId('alice'), type: 'UserDataErased', data: { userId: 'alice' }, revision: 0n });
    expect(event!.metadata).to.include({ userId: 'admin-1', subjectId: 'alice', correlationId: 'gdpr-request-17', schemaVersion: 1 });
    expect(event!.metadata.hash).to.match(/^[0-9a-f]{64}$/);
    expect(validateEvent('UserDataErased', 1, event!.data)).to.deep.equal([]);
  });

  it('is safe to repeat: nothing is appended twice and the first erasure time stays', async () => {
    const [first] = await fixture.raw.readStream('user-alice');
    const again = await eraseSubject(fixture.store, fixture.keys, 'alice', { actor: 'admin-2' });
    expect(again).to.deep.include({ destroyedKey: false, eventId: first!.id, revision: '0', position: first!.position.toString() });
    expect(await fixture.raw.readStream('user-alice')).to.have.length(1);
  });

  it('refuses new personal data of an erased user, in every process, but not their other events', async () => {
    const later = new DreamStory('alice');
    const error = await fixture.store.appendToStream(later.streamId, [later.created()]).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(SubjectErasedError).and.include({ status: 410, code: 'subject_erased' });
    const fresh = createAuditedStore(fixture.raw, { keys: new PostgresDataKeys(fixture.pool, { masterKey: fixture.masterKey }) });
    expect(await fresh.appendToStream(later.streamId, [later.created()]).catch((caught: unknown) => caught)).to.be.instanceOf(SubjectErasedError);
    await fixture.store.appendToStream(alice.streamId, [alice.tagged('archive-me')], { expectedRevision: 4n });
  });

  it('erases a user who never stored personal data, so that none is stored later', async () => {
    const result = await eraseSubject(fixture.store, fixture.keys, 'carol', { actor: 'carol' });
    expect(result).to.include({ destroyedKey: false, revision: '0' });
    const carol = new DreamStory('carol');
    expect(await fixture.store.appendToStream(carol.streamId, [carol.created()]).catch((caught: unknown) => caught)).to.be.instanceOf(SubjectErasedError);
  });

  it('erases only a known subject on request: an id never seen is neither erased nor blocked', async () => {
    expect(await eraseKnownSubject(fixture.store, fixture.keys, 'nobody', { actor: 'admin' })).to.equal(undefined);
    expect((await fixture.pool.query('SELECT 1 FROM audit.data_keys WHERE subject_id = $1', ['nobody'])).rowCount).to.equal(0);
    expect(await fixture.raw.readStream('user-nobody')).to.deep.equal([]);
    const nobody = new DreamStory('nobody');
    await fixture.store.appendToStream(nobody.streamId, [nobody.created()]);
    expect(await eraseKnownSubject(fixture.store, fixture.keys, 'nobody', { actor: 'admin' })).to.include({ destroyedKey: true, revision: '0' });
  });

  it('makes one key per subject even when many processes create it at once', async () => {
    const processes = Array.from({ length: 8 }, () => new PostgresDataKeys(fixture.pool, { masterKey: fixture.masterKey }));
    const keys = await Promise.all(processes.map((keys) => keys.keyForWriting('dave')));
    for (const key of keys) expect(key.equals(keys[0]!)).to.equal(true);
    const { rows } = await fixture.pool.query('SELECT count(*)::int AS n FROM audit.data_keys WHERE subject_id = $1', ['dave']);
    expect(rows[0].n).to.equal(1);
  });
});
