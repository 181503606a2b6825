import type { EventStore } from '@dreamcatcher/event-store';
import { toEventView, type EventView } from './event-views.js';

export interface EventPage {
  items: EventView[];
  nextCursor: string | null;
}

/**
 * A page of one stream, forwards from revision `from`; `nextCursor` is the revision the
 * next page starts at, null at the end.
 */
export async function readStreamPage(store: EventStore, streamId: string, from: bigint, limit: number): Promise<EventPage> {
  const events = await store.readStream(streamId, { fromRevision: from, maxCount: limit + 1 });
  const page = events.slice(0, limit);
  const more = events.length > limit;
  return { items: page.map(toEventView), nextCursor: more ? (page.at(-1)!.revision + 1n).toString() : null };
}
