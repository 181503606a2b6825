import { expect } from 'chai';
import { createEventStore, WrongExpectedRevisionError } from '@dreamcatcher/event-store';
import { anEvent, eventStoreContractSuite, someEvents, uniqueStream } from '@dreamcatcher/event-store/testing';
import { createAuditedStore } from './audited-store.js';
import { verifyStream } from './chain/chain-check.js';
import { verifyAll } from './chain/verify.js';
import { genesisHash } from './chain/event-hash.js';
import { useAuditFixture } from './testing/audit-fixture.js';
import { DreamStory } from './testing/dream-story.js';

describe('audited event store', () => {
  const fixture = useAuditFixture();

  // The decorators must not break the store's contract: the whole suite runs through them.
  eventStoreContractSuite('PostgreSQL, encrypted and hash-chained', async () =>
    createAuditedStore(await createEventStore({ kind: 'postgres', pool: fixture.pool }), { keys: fixture.keys }),
  );

  describe('the hash chain it writes', () => {
    it('is intact in every stream the contract suite wrote, racing writers and all', async function () {
      this.timeout(20_000);
      const result = await verifyAll(fixture.raw);
      expect(result.checked).to.be.above(5_000);
      expect(result.broken).to.deep.equal([]);
      expect(result.ok).to.equal(true);
    });

    it('links every stored event to its predecessor, from the stream\'s genesis hash, whatever the expectation', async () => {
      const streamId = uniqueStream('chain');
      await fixture.store.appendToStream(streamId, someEvents(2), { expectedRevision: 'no_stream' });
      await fixture.store.appendToStream(streamId, someEvents(1), { expectedRevision: 1n });
      await fixture.store.appendToStream(streamId, someEvents(2), { expectedRevision: 'any' });
      await fixture.store.appendToStream(streamId, someEvents(1), { expectedRevision: 'stream_exists' });
      const raw = await fixture.raw.readStream(streamId);
      expect(raw).to.have.length(6);
      expect(raw[0]!.metadata.previousHash).to.equal(genesisHash(streamId));
      raw.slice(1).forEach((event, index) => expect(event.metadata.previousHash).to.equal(raw[index]!.metadata.hash));
      for (const event of raw) expect(event.metadata.hash).to.match(/^[0-9a-f]{64}$/);
      expect(verifyStream(raw)).to.deep.equal({ ok: true, checked: 6 });
    });

    it('hides the chain fields on read unless asked to reveal them', async () => {
      const streamId = uniqueStream('chain');
      const event = anEvent();
      await fixture.store.appendToStream(streamId, [event]);
      const [plain] = await fixture.store.readStream(streamId);
      const [revealed] = await fixture.auditorStore.readStream(streamId);
      expect(plain!.metadata).to.deep.equal(event.metadata);
      expect(revealed!.metadata).to.include.keys('hash', 'previousHash');
      // The global order shows an event once no older transaction on the server is still open.
      await fixture.allReadable();
      const page = await fixture.auditorStore.readAll({ after: revealed!.position - 1n, maxCount: 1 });
      expect(page.events[0]!.metadata.hash).to.equal(revealed!.metadata.hash);
    });

    it('keeps the chain intact under racing "any" writers, each retrying on the new tail', async () => {
      const streamId = uniqueStream('race');
      await Promise.all(Array.from({ length: 8 }, () => fixture.store.appendToStream(streamId, someEvents(3), { expectedRevision: 'any' })));
      const raw = await fixture.raw.readStream(streamId);
      expect(raw).to.have.length(24);
      expect(verifyStream(raw)).to.deep.equal({ ok: true, checked: 24 });
    });

    it('answers an "any" append repeated after the stream moved on as the first time, storing nothing', async () => {
      const streamId = uniqueStream('repeat');
      const events = someEvents(2);
      await fixture.store.appendToStream(streamId, someEvents(1));
      const first = await fixture.store.appendToStream(streamId, events, { expectedRevision: 'any' });
      await fixture.store.appendToStream(streamId, someEvents(3));
      expect(await fixture.store.appendToStream(streamId, events, { expectedRevision: 'any' })).to.deep.equal(first);
      expect(await fixture.store.appendToStream(streamId, events, { expectedRevision: 'stream_exists' })).to.deep.equal(first);
      const [a, b] = events;
      const error = await fixture.store.appendToStream(streamId, [b!, a!], { expectedRevision: 'any' }).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(WrongExpectedRevisionError);
      expect(error).to.include({ expected: 'any', actual: 5n });
      expect(await fixture.raw.readStream(streamId)).to.have.length(6);
    });
  });

  describe('the encryption it applies', () => {
    it('stores personal fields only as ciphertext and reads them back decrypted', async () => {
      const story = new DreamStory('owner-enc');
      const events = [story.created('My secret startup idea', 'Nobody may know this'), story.fragmentCaptured('Private chat', 'confidential conversation')];
      await fixture.store.appendToStream(story.streamId, events, { expectedRevision: 'no_stream' });
      const { rows } = await fixture.pool.query<{ data: string }>('SELECT data::text AS data FROM event_store.events WHERE stream_id = $1', [story.streamId]);
      const stored = rows.map((row) => row.data).join('\n');
      for (const secret of ['My secret startup idea', 'Nobody may know this', 'Private chat', 'confidential conversation', 'Offline check-ins', 'chatgpt.com']) {
        expect(stored).to.not.include(secret);
      }
      expect(stored).to.include('enc:v1:owner-enc:').and.include('bc-studio').and.include('mobile');
      const read = await fixture.store.readStream(story.streamId);
      expect(read.map(({ id, type, data, metadata }) => ({ id, type, data, metadata }))).to.deep.equal(events);
    });
  });
});
