import { expect } from 'chai';
import type { RecordedEvent } from '@dreamcatcher/event-store';
import { useAuditFixture } from '../testing/audit-fixture.js';
import { DreamStory } from '../testing/dream-story.js';
import type { BrokenLink } from './chain-check.js';
import { toHistoryVerification, verifyAll, verifyDream } from './verify.js';

/**
 * History altered behind the store's back, directly in PostgreSQL, as an attacker with
 * database access would: each change must be reported at exactly the event it touched.
 */
describe('tampering with stored history', () => {
  const fixture = useAuditFixture();
  const bystander = new DreamStory('owner-bystander');

  /** A dream of six events written through the audited store; returns its raw events. */
  async function aDream(): Promise<{ story: DreamStory; events: RecordedEvent[] }> {
    const story = new DreamStory('owner-victim');
    const events = [story.created(), story.fragmentCaptured(), story.todoAdded(), story.tagged('ai'), story.retitled('A better title'), story.documentAttached()];
    for (const [revision, event] of events.entries()) {
      await fixture.store.appendToStream(story.streamId, [event], { expectedRevision: BigInt(revision) - 1n });
    }
    await fixture.allReadable();
    return { story, events: await fixture.raw.readStream(story.streamId) };
  }

  /** The break verifyAll reports for the stream, after checking that no untouched stream is reported. */
  async function brokenInStore(streamId: string): Promise<BrokenLink | undefined> {
    const result = await verifyAll(fixture.store);
    expect(result.broken.map((link) => link.streamId)).to.not.include(bystander.streamId);
    expect(result.ok).to.equal(result.broken.length === 0);
    return result.broken.find((link) => link.streamId === streamId);
  }

  before(async () => {
    await fixture.store.appendToStream(bystander.streamId, [bystander.created(), bystander.todoAdded()]);
  });

  it('finds an untouched history intact, per dream and across the store', async () => {
    const { story, events } = await aDream();
    const result = await verifyDream(fixture.store, story.dreamId);
    expect(result).to.deep.equal({ dreamId: story.dreamId, streamId: story.streamId, ok: true, checked: 6, headRevision: '5' });
    expect(toHistoryVerification(result)).to.deep.equal({ dreamId: story.dreamId, intact: true, eventCount: 6, headRevision: '5', firstBrokenRevision: null, reason: null });
    const all = await verifyAll(fixture.store);
    expect(all).to.deep.include({ ok: true, checked: 8, streams: 2, broken: [], brokenStreams: 0, lastPosition: events[5]!.position.toString() });
  });

  it('reports data changed with an UPDATE at exactly that event', async () => {
    const { story, events } = await aDream();
    await fixture.pool.query(`UPDATE event_store.events SET data = jsonb_set(data, '{tags}', '["hacked"]') WHERE stream_id = $1 AND revision = 3`, [story.streamId]);
    const expected = { eventId: events[3]!.id, revision: '3', position: events[3]!.position.toString(), reason: 'hash_mismatch' };
    const result = await verifyDream(fixture.store, story.dreamId);
    expect(result).to.deep.include({ ok: false, checked: 6 });
    expect(result.firstBroken).to.deep.include(expected);
    const answer = toHistoryVerification(result);
    expect(answer).to.deep.include({ dreamId: story.dreamId, intact: false, eventCount: 6, headRevision: '5', firstBrokenRevision: '3' });
    expect(answer.reason).to.match(/^hash_mismatch at event /);
    expect(await brokenInStore(story.streamId)).to.deep.include(expected);
  });

  it('reports a changed metadata field (who did it) at exactly that event', async () => {
    const { story, events } = await aDream();
    await fixture.pool.query(`UPDATE event_store.events SET metadata = jsonb_set(metadata, '{userId}', '"mallory"') WHERE stream_id = $1 AND revision = 2`, [story.streamId]);
    const expected = { eventId: events[2]!.id, revision: '2', reason: 'hash_mismatch' };
    expect((await verifyDream(fixture.store, story.dreamId)).firstBroken).to.deep.include(expected);
    expect(await brokenInStore(story.streamId)).to.deep.include(expected);
  });

  it('reports a deleted event at the event that follows the gap', async () => {
    const { story, events } = await aDream();
    await fixture.pool.query('DELETE FROM event_store.events WHERE stream_id = $1 AND revision = 2', [story.streamId]);
    const expected = { eventId: events[3]!.id, revision: '3', reason: 'revision_gap' };
    const result = await verifyDream(fixture.store, story.dreamId);
    expect(result).to.deep.include({ ok: false, checked: 5 });
    expect(result.firstBroken).to.deep.include(expected);
    expect(await brokenInStore(story.streamId)).to.deep.include(expected);
  });

  it('reports a reordered pair at the first event out of place', async () => {
    const { story, events } = await aDream();
    // Swap the revisions of events 2 and 3 (through a free revision: each row must stay unique).
    await fixture.pool.query(
      `UPDATE event_store.events SET revision = -100 WHERE stream_id = $1 AND revision = 2;
       UPDATE event_store.events SET revision = 2 WHERE stream_id = $1 AND revision = 3;
       UPDATE event_store.events SET revision = 3 WHERE stream_id = $1 AND revision = -100;`.replaceAll('$1', `'${story.streamId}'`),
    );
    // In revision order, the event now at revision 2 (formerly 3) does not chain to revision 1.
    expect((await verifyDream(fixture.store, story.dreamId)).firstBroken).to.deep.include({ eventId: events[3]!.id, revision: '2', reason: 'previous_hash_mismatch' });
    // In commit order, the event formerly at revision 2 comes first and now claims revision 3.
    expect(await brokenInStore(story.streamId)).to.deep.include({ eventId: events[2]!.id, revision: '3', position: events[2]!.position.toString(), reason: 'revision_gap' });
  });

  it('leaves the other dreams verified intact', async () => {
    expect(await verifyDream(fixture.store, bystander.dreamId)).to.deep.include({ ok: true, checked: 2 });
    const all = await verifyAll(fixture.store, { maxListed: 2 });
    expect(all).to.deep.include({ ok: false, brokenStreams: 4, streams: 6 });
    expect(all.broken).to.have.length(2);
    expect(all.firstBroken).to.deep.equal(all.broken[0]);
  });

  it('reports progress page by page', async () => {
    const progress: number[] = [];
    const result = await verifyAll(fixture.store, { pageSize: 10, onProgress: (p) => progress.push(p.checked) });
    expect(progress.at(-1)).to.equal(result.checked);
    expect(progress.length).to.be.at.least(Math.ceil(result.checked / 10));
  });
});
