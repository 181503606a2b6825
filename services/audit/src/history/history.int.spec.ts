import { Writable } from 'node:stream';
import { expect } from 'chai';
import type { EventToAppend } from '@dreamcatcher/event-store';
import { ValidationError } from '@dreamcatcher/service-kit/errors';
import { useAuditFixture } from '../testing/audit-fixture.js';
import { DreamStory } from '../testing/dream-story.js';
import type { EventView } from './event-view.js';
import { exportNdjson } from './export-ndjson.js';
import { readDreamHistoryPage, readHistoryPage, type HistoryPage, type HistoryPageOptions } from './history-page.js';

describe('audit history', () => {
  const fixture = useAuditFixture();
  const ann = new DreamStory('ann', '2025-03-01T10:00:00.000Z');
  const ben = new DreamStory('ben', '2025-03-01T10:00:30.000Z');
  const annsSecond = new DreamStory('ann', '2025-03-02T08:00:00.000Z');
  /** Every appended event, in commit order, with its position. */
  const written: { event: EventToAppend; position: bigint }[] = [];

  async function append(story: DreamStory, events: EventToAppend[]): Promise<void> {
    const result = await fixture.store.appendToStream(story.streamId, events);
    events.forEach((event, index) => written.push({ event, position: result.events[index]!.position }));
  }

  /** Every page from the start, following cursors; fails on a page that repeats what came before. */
  async function allPages(read: (after: string | undefined) => Promise<HistoryPage>): Promise<{ items: EventView[]; pages: number }> {
    const items: EventView[] = [];
    let after: string | undefined;
    for (let pages = 1; ; pages++) {
      const page = await read(after);
      items.push(...page.items);
      if (page.nextCursor === null) return { items, pages };
      after = page.nextCursor;
    }
  }

  const ids = (items: { eventId?: string; id?: string }[]) => items.map((item) => item.eventId ?? item.id);

  before(async () => {
    // Interleaved writers, so that commit order mixes dreams and users.
    for (let round = 0; round < 4; round++) {
      await append(ann, round === 0 ? [ann.created('Ann\'s dream')] : [ann.fragmentCaptured(`Ann chat ${round}`), ann.tagged(`t${round}`)]);
      await append(ben, round === 0 ? [ben.created('Ben\'s dream')] : [ben.todoAdded(`Ben todo ${round}`)]);
    }
    await append(annsSecond, [annsSecond.created('Ann\'s second dream'), annsSecond.fragmentCaptured('Later chat')]);
    await fixture.allReadable();
  });

  it('pages through the whole store in commit order without gaps or repeats, each event with its metadata', async () => {
    const { items, pages } = await allPages((after) => readHistoryPage(fixture.store, { limit: 4, ...(after && { after }) }));
    expect(ids(items)).to.deep.equal(written.map(({ event }) => event.id));
    expect(pages).to.equal(Math.ceil(written.length / 4));
    const first = items[0]!;
    const { event } = written[0]!;
    expect(first).to.deep.include({ eventId: event.id, type: 'DreamCreated', schemaVersion: 1, streamId: ann.streamId, revision: '0', position: written[0]!.position.toString(), occurredAt: event.metadata.occurredAt });
    expect(first.data).to.deep.equal(event.data);
    expect(first.metadata).to.deep.equal(event.metadata);
    expect(first.metadata).to.include.keys('userId', 'correlationId', 'causationId', 'occurredAt');
  });

  it('filters by type, user and time, and with a small scan budget still neither skips nor repeats', async () => {
    const filters: [string, Omit<HistoryPageOptions, 'limit'>, (event: EventToAppend) => boolean][] = [
      ['types', { types: ['FragmentCaptured', 'TodoAdded'] }, (e) => ['FragmentCaptured', 'TodoAdded'].includes(e.type)],
      ['user', { userId: 'ben' }, (e) => e.metadata.userId === 'ben'],
      ['time', { from: '2025-03-01T10:02:00.000Z', to: '2025-03-02T08:00:00.000Z' }, (e) => e.metadata.occurredAt >= '2025-03-01T10:02:00.000Z' && e.metadata.occurredAt < '2025-03-02T08:00:00.000Z'],
      ['all at once', { types: ['DreamCreated'], userId: 'ann', from: '2025-03-02T00:00:00Z' }, (e) => e.type === 'DreamCreated' && e.metadata.userId === 'ann' && e.metadata.occurredAt >= '2025-03-02'],
    ];
    for (const [name, filter, matches] of filters) {
      const expected = written.filter(({ event }) => matches(event)).map(({ event }) => event.id);
      expect(expected.length, name).to.be.above(0);
      for (const scanLimit of [3, 10_000]) {
        const { items } = await allPages((after) => readHistoryPage(fixture.store, { ...filter, limit: 2, scanLimit, ...(after && { after }) }));
        expect(ids(items), `${name}, scanning ${scanLimit}`).to.deep.equal(expected);
      }
    }
  });

  it('answers a bounded page, possibly empty, with a cursor when the scan budget runs out before the matches', async () => {
    const page = await readHistoryPage(fixture.store, { limit: 5, types: ['DreamCreated'], scanLimit: 5, after: (await readHistoryPage(fixture.store, { limit: 1 })).nextCursor! });
    // Events 2..6 of the store hold one DreamCreated (Ben's).
    expect(page.items.map((item) => item.type)).to.deep.equal(['DreamCreated']);
    expect(page.nextCursor).to.be.a('string');
  });

  it('picks up events written between pages', async () => {
    const later = new DreamStory('cat');
    let page = await readHistoryPage(fixture.store, { limit: written.length });
    expect(page.nextCursor).to.equal(null);
    const head = await readHistoryPage(fixture.store, { limit: written.length - 1 });
    await append(later, [later.created('Cat joins'), later.tagged('new')]);
    await fixture.allReadable();
    page = await readHistoryPage(fixture.store, { limit: 10, after: head.nextCursor! });
    expect(ids(page.items)).to.deep.equal(written.slice(-3).map(({ event }) => event.id));
    expect(page.nextCursor).to.equal(null);
  });

  it('pages through one dream in revision order, and refuses another history\'s cursor', async () => {
    const { items } = await allPages((after) => readDreamHistoryPage(fixture.store, ann.dreamId, { limit: 2, ...(after && { after }) }));
    expect(ids(items)).to.deep.equal(written.filter(({ event }) => event.data && (event.data as { dreamId: string }).dreamId === ann.dreamId).map(({ event }) => event.id));
    expect(items.map((item) => item.revision)).to.deep.equal(items.map((_, index) => String(index)));
    const fragments = await readDreamHistoryPage(fixture.store, ann.dreamId, { limit: 10, types: ['FragmentCaptured'] });
    expect(fragments.items.map((item) => (item.data as { fragment: { title: string } }).fragment.title)).to.deep.equal(['Ann chat 1', 'Ann chat 2', 'Ann chat 3']);

    const annCursor = (await readDreamHistoryPage(fixture.store, ann.dreamId, { limit: 1 })).nextCursor!;
    const allCursor = (await readHistoryPage(fixture.store, { limit: 1 })).nextCursor!;
    for (const attempt of [
      () => readDreamHistoryPage(fixture.store, ben.dreamId, { limit: 1, after: annCursor }),
      () => readHistoryPage(fixture.store, { limit: 1, after: annCursor }),
      () => readDreamHistoryPage(fixture.store, ann.dreamId, { limit: 1, after: allCursor }),
      () => readHistoryPage(fixture.store, { limit: 0 }),
      () => readHistoryPage(fixture.store, { limit: 1001 }),
    ]) {
      expect(await attempt().catch((caught: unknown) => caught)).to.be.instanceOf(ValidationError);
    }
    expect(await readDreamHistoryPage(fixture.store, '00000000-0000-4000-8000-000000000000', { limit: 5 })).to.deep.equal({ items: [], nextCursor: null });
  });

  it('shows the hash chain to auditors reading through a store that reveals it', async () => {
    const page = await readDreamHistoryPage(fixture.auditorStore, ben.dreamId, { limit: 2 });
    expect(page.items[1]!.metadata.previousHash).to.equal(page.items[0]!.metadata.hash);
    const plain = await readDreamHistoryPage(fixture.store, ben.dreamId, { limit: 1 });
    expect(plain.items[0]!.metadata).to.not.have.property('hash');
  });

  describe('NDJSON export', () => {
    /** A destination that takes one line at a time, slowly, with a small buffer. */
    function slowDestination() {
      const lines: string[] = [];
      const state = { maxBuffered: 0, drains: 0, maxLine: 0 };
      const destination = new Writable({
        highWaterMark: 512,
        write(chunk: Buffer, _encoding, done) {
          state.maxBuffered = Math.max(state.maxBuffered, destination.writableLength);
          state.maxLine = Math.max(state.maxLine, chunk.length);
          lines.push(chunk.toString('utf8'));
          setTimeout(done, 2);
        },
      });
      destination.on('drain', () => state.drains++);
      return { destination, lines, state };
    }

    it('streams a range of positions with filters, one event per line, waiting for the destination to drain', async () => {
      const after = written[2]!.position;
      const until = written.at(-2)!.position;
      const { destination, lines, state } = slowDestination();
      const result = await exportNdjson(fixture.store, { after, until, types: ['FragmentCaptured', 'TodoAdded', 'DreamCreated'] }, destination);
      const expected = written.filter(({ event, position }) => position > after && position <= until && ['FragmentCaptured', 'TodoAdded', 'DreamCreated'].includes(event.type));
      expect(result).to.deep.equal({ exported: expected.length, lastPosition: until.toString() });
      const parsed = lines.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as EventView);
      expect(ids(parsed)).to.deep.equal(expected.map(({ event }) => event.id));
      expect(parsed[0]!.data).to.deep.equal(expected[0]!.event.data);
      expect(lines.every((line) => line.endsWith('\n'))).to.equal(true);
      expect(destination.writableFinished).to.equal(true);
      // Backpressure: the writer paused for drains, so the buffer never held more than it allows.
      expect(state.drains).to.be.above(0);
      expect(state.maxBuffered).to.be.at.most(512 + state.maxLine);
    });

    it('exports everything up to the head by default, and stops when the destination goes away', async () => {
      const { destination, lines } = slowDestination();
      const result = await exportNdjson(fixture.store, {}, destination);
      expect(result.exported).to.equal(written.length);
      expect(lines).to.have.length(written.length);

      const gone = slowDestination();
      setTimeout(() => gone.destination.destroy(), 10);
      const error = await exportNdjson(fixture.store, {}, gone.destination, { pageSize: 2 }).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(Error);
      expect(gone.lines.length).to.be.below(written.length);
    });
  });
});
