/**
 * What a live client missed while disconnected (`Last-Event-ID` on /live, `since` on /ws):
 * the dreams of the caller that changed after that position, each as one notice of what changed.
 * The store says which dreams changed; the projections say what they look like now and
 * whose they are (a dream the caller cannot load is not theirs). Deleted dreams are gone
 * from the projections, so a deletion is replayed when the caller deleted it themselves.
 */
import { dreamIdFromStreamId } from '@dreamcatcher/domain';
import type { EventStore } from '@dreamcatcher/event-store';
import type { LoadDream } from './hub.js';
import { messagesFor, noticeOf, type LiveEvent } from './messages.js';

export interface ReplayOptions {
  store: EventStore;
  loadDream: LoadDream;
  userId: string;
  /** Exclusive: the last position the client saw. */
  after: bigint;
  /** Inclusive: replay stops here (what the projections have applied; later changes arrive live). */
  upTo: bigint;
  /** Most events read before giving up; the client should then reload everything. */
  maxEvents?: number;
}

interface Touched {
  position: bigint;
  revision: bigint;
  kinds: Set<string>;
  deletedBy?: string;
}

/** The missed events, or `'reload'` when more than `maxEvents` happened since. */
export async function replaySince({ store, loadDream, userId, after, upTo, maxEvents = 10_000 }: ReplayOptions): Promise<LiveEvent[] | 'reload'> {
  const touched = new Map<string, Touched>();
  let cursor = after;
  let read = 0;
  while (cursor < upTo) {
    const page = await store.readAll({ after: cursor, maxCount: 500 });
    for (const event of page.events) {
      if (event.position > upTo) break;
      const dreamId = dreamIdFromStreamId(event.streamId);
      if (!dreamId) continue;
      const entry = touched.get(dreamId) ?? { position: event.position, revision: event.revision, kinds: new Set<string>() };
      entry.position = event.position;
      entry.revision = event.revision;
      entry.kinds.add(event.type);
      if (event.type === 'DreamDeleted') entry.deletedBy = event.metadata.userId;
      touched.set(dreamId, entry);
    }
    read += page.events.length;
    if (read > maxEvents) return 'reload';
    if (page.isEnd || page.lastPosition === undefined || page.lastPosition <= cursor) break;
    cursor = page.lastPosition;
  }
  const events: LiveEvent[] = [];
  const ordered = [...touched.entries()].sort(([, a], [, b]) => (a.position < b.position ? -1 : 1));
  for (const [dreamId, entry] of ordered) {
    const position = entry.position.toString();
    if (entry.deletedBy !== undefined) {
      if (entry.deletedBy === userId) events.push({ position, message: { type: 'dream_deleted', dreamId } });
      continue;
    }
    const dream = await loadDream(userId, dreamId);
    if (dream === undefined || dream === null) continue;
    const types = [...entry.kinds];
    const messages = types.flatMap((kind) => messagesFor({ ownerId: userId, dreamId, position, kind }, dream).slice(1));
    const notice = noticeOf({ dreamId, revision: entry.revision.toString(), types });
    events.push({ position, message: notice }, ...messages.map((message) => ({ position, message })));
  }
  return events;
}
