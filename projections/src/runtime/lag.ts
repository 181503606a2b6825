/**
 * How far a projection is behind the event store head, in positions and in seconds.
 *
 * Positions are sparse (a distance, not a count of events). Seconds are the age of the
 * oldest event the projection has not applied yet (now minus its `occurredAt`): what a
 * reader of the read model misses, and what rises while a projector is stopped. Both are
 * 0 when the projection has applied everything up to the head.
 */
import type { EventStore } from '@dreamcatcher/event-store';

export interface Lag {
  positions: bigint;
  seconds: number;
}

/** The lag of a projection at `checkpoint`; `oldestPendingAt` is the occurredAt of the first event after it. */
export function lagOf(head: bigint, checkpoint: bigint, oldestPendingAt: string | undefined, nowMs: number): Lag {
  if (head <= checkpoint) return { positions: 0n, seconds: 0 };
  const occurred = oldestPendingAt === undefined ? Number.NaN : Date.parse(oldestPendingAt);
  return { positions: head - checkpoint, seconds: Number.isNaN(occurred) ? 0 : Math.max(0, (nowMs - occurred) / 1000) };
}

/** What lag is measured against: the store's head and its events (the first after a checkpoint). */
export type LagStore = Pick<EventStore, 'headPosition' | 'readAll'>;

/**
 * Each projection's lag, given the checkpoints (a projection without one has applied
 * nothing). One head read for all; one single-event read per projection that is behind.
 */
export async function measureLag(store: LagStore, checkpoints: ReadonlyMap<string, bigint>, projections: readonly string[], nowMs = Date.now()): Promise<Map<string, Lag>> {
  const head = await store.headPosition();
  const entries = await Promise.all(
    projections.map(async (projection) => {
      const checkpoint = checkpoints.get(projection) ?? 0n;
      if (head <= checkpoint) return [projection, lagOf(head, checkpoint, undefined, nowMs)] as const;
      const page = await store.readAll({ ...(checkpoint > 0n && { after: checkpoint }), maxCount: 1 });
      const oldest = page.events[0]?.metadata.occurredAt;
      return [projection, lagOf(head, checkpoint, typeof oldest === 'string' ? oldest : undefined, nowMs)] as const;
    }),
  );
  return new Map(entries);
}

/** `dream_summary is 120 positions and 45.2 s behind the store head` */
export function describeLag(projection: string, lag: Lag): string {
  return `${projection} is ${lag.positions} positions and ${lag.seconds.toFixed(1)} s behind the store head`;
}
