import type { EventStore, ReadStreamOptions } from '@dreamcatcher/event-store';

/**
 * The real store, except that the next stream read may be followed by another command before
 * it returns: the command that read then decides on a revision that is already stale, which is
 * exactly a lost race, made deterministic. Every stream read is recorded (where it started and
 * how many events it returned).
 */
export class RacingStore {
  readonly reads: { from: bigint | undefined; events: number }[] = [];
  /** Runs once, after the next stream read returns and before the command that read decides. */
  interleave: (() => Promise<unknown>) | undefined;

  readonly wrap = (store: EventStore): EventStore => ({
    appendToStream: (...args) => store.appendToStream(...args),
    readStream: async (streamId: string, options?: ReadStreamOptions) => {
      const events = await store.readStream(streamId, options);
      this.reads.push({ from: options?.fromRevision, events: events.length });
      const other = this.interleave;
      this.interleave = undefined;
      await other?.();
      return events;
    },
    readAll: (options) => store.readAll(options),
    subscribeToAll: (options) => store.subscribeToAll(options),
    streamExists: (streamId) => store.streamExists(streamId),
    deleteStream: (streamId) => store.deleteStream(streamId),
    headPosition: () => store.headPosition(),
    close: async () => undefined,
  });
}
