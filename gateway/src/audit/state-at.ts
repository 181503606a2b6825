/**
 * A dream as it was at a past point, folded by the domain from its events: up to a
 * revision, or up to the last event that happened at or before a time.
 */
import { foldDream, type RecordedDreamEvent } from '@dreamcatcher/domain';
import type { RecordedEvent } from '@dreamcatcher/event-store';

export type PointInHistory = { revision: bigint } | { at: string } | Record<string, never>;

export interface DreamStateAt {
  dreamId: string;
  revision: string;
  occurredAt: string | null;
  state: Record<string, unknown>;
}

/** The events up to `point` (all of them when no point is given). */
export function eventsUpTo(events: readonly RecordedEvent[], point: PointInHistory): RecordedEvent[] {
  if ('revision' in point) return events.filter((event) => event.revision <= point.revision);
  if ('at' in point) {
    const at = Date.parse(point.at);
    return events.filter((event) => Date.parse(event.metadata.occurredAt) <= at);
  }
  return [...events];
}

/** Undefined when the dream has no events at all; a point before its first event folds nothing. */
export function stateAt(dreamId: string, events: readonly RecordedEvent[], point: PointInHistory): DreamStateAt | undefined {
  if (events.length === 0) return undefined;
  const upTo = eventsUpTo(events, point);
  const last = upTo.at(-1);
  const state = foldDream(upTo.map((event) => ({ type: event.type, data: event.data, metadata: event.metadata }) as RecordedDreamEvent));
  return {
    dreamId,
    revision: last ? last.revision.toString() : '-1',
    occurredAt: last?.metadata.occurredAt ?? null,
    state: state as unknown as Record<string, unknown>,
  };
}
