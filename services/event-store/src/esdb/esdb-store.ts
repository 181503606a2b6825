/**
 * The EventStoreDB store: the same contract over ESDB streams, `$all` and catch-up
 * subscriptions. Mappings of revisions, positions and errors are in mapping.ts.
 *
 * - Appends are ESDB appends with the mapped expected revision. ESDB itself makes a
 *   repeated append (same ids, same expectation) idempotent and answers with the original
 *   revisions. Its append reply carries one position only, so the appended events are read
 *   back (one more round trip) to report each event's position, as our AppendResult does.
 * - `deleteStream` is ESDB's tombstone (hard delete): stream reads then fail, which we
 *   report as an empty stream, writes fail with StreamDeletedError, and `$all` keeps the
 *   events until a scavenge — the behaviour the PostgreSQL store copies.
 * - `$all` reads skip system events client-side (this client's `readAll` takes no filter),
 *   reading further until a page is full or the log ends.
 */
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamDeletedError as EsdbStreamDeletedError,
  StreamNotFoundError,
  type AllStreamResolvedEvent,
} from '@eventstore/db-client';
import type { Logger } from '@dreamcatcher/service-kit';
import { MAX_EVENTS_PER_APPEND, validateAppend } from '../append-rules.js';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  EventToAppend,
  ReadAllOptions,
  ReadAllPage,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
  Subscription,
} from '../event-store.js';
import { fromEsdbError, fromEsdbEvent, isSystemEvent, toEsdbExpectedRevision, toEsdbPosition, toEventData } from './mapping.js';
import { claimStreamId } from './case-claims.js';
import { followEsdbAll } from './subscription.js';

export interface EsdbEventStoreOptions {
  logger?: Logger | undefined;
}

export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly closing = new AbortController();
  private readonly subscriptions = new Set<Promise<void>>();

  /** `connectionString`: e.g. `esdb://localhost:2113?tls=false`; `$all` needs a user allowed to read it. */
  constructor(connectionString: string, private readonly options: EsdbEventStoreOptions = {}) {
    this.client = EventStoreDBClient.connectionString(connectionString);
  }

  async appendToStream(streamId: string, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    validateAppend(streamId, events, expected, MAX_EVENTS_PER_APPEND);
    await claimStreamId(this.client, streamId, expected);
    let nextExpectedRevision: bigint;
    try {
      ({ nextExpectedRevision } = await this.client.appendToStream(streamId, events.map(toEventData), {
        expectedRevision: toEsdbExpectedRevision(expected),
      }));
    } catch (error) {
      throw fromEsdbError(error, streamId, expected);
    }
    const ids = events.map((event) => event.id.toLowerCase());
    const first = nextExpectedRevision - BigInt(events.length) + 1n;
    let stored = await this.readStream(streamId, { fromRevision: first, maxCount: events.length });
    if (!sameIds(stored, ids)) {
      // Not where the reply put them (should not happen): find them in the whole stream.
      const wanted = new Set(ids);
      stored = (await this.readStream(streamId)).filter((event) => wanted.has(event.id.toLowerCase()));
    }
    const appended = stored.map(({ id, revision, position }) => ({ id, revision, position }));
    return { nextExpectedRevision: appended.at(-1)?.revision ?? nextExpectedRevision, position: appended.at(-1)?.position ?? -1n, events: appended };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamId, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision ?? (backwards ? END : START),
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      });
      for await (const resolved of read) if (resolved.event) events.push(fromEsdbEvent(resolved.event));
    } catch (error) {
      if (error instanceof StreamNotFoundError || error instanceof EsdbStreamDeletedError) return [];
      throw error;
    }
    return events;
  }

  async readAll(options: ReadAllOptions): Promise<ReadAllPage> {
    const events: RecordedEvent[] = [];
    let floor = options.after ?? -1n;
    let isEnd = false;
    while (events.length < options.maxCount) {
      // The start position is inclusive in ESDB: ask for one more than needed.
      const batch = options.maxCount - events.length + 1;
      const read = this.client.readAll({ fromPosition: floor < 0n ? START : toEsdbPosition(floor), maxCount: batch, direction: FORWARDS });
      let count = 0;
      for await (const resolved of read) {
        count++;
        const event = userEvent(resolved);
        if (!event || event.position <= floor) continue;
        floor = event.position;
        if (!isSystemEvent(event)) events.push(event);
        if (events.length === options.maxCount) break;
      }
      if (count < batch) {
        isEnd = true;
        break;
      }
    }
    return { events, lastPosition: events.at(-1)?.position ?? options.after, isEnd };
  }

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    const subscription = followEsdbAll(this.client, options, {
      logger: this.options.logger,
      storeSignal: this.closing.signal,
      headPosition: () => this.headPosition(),
    });
    const settled = subscription.done.catch(() => undefined);
    this.subscriptions.add(settled);
    void settled.then(() => this.subscriptions.delete(settled));
    return subscription;
  }

  async streamExists(streamId: string): Promise<boolean> {
    return (await this.readStream(streamId, { direction: 'backwards', maxCount: 1 })).length > 0;
  }

  async deleteStream(streamId: string): Promise<void> {
    try {
      await this.client.tombstoneStream(streamId);
    } catch (error) {
      if (error instanceof EsdbStreamDeletedError) return; // already tombstoned
      throw fromEsdbError(error, streamId, 'any');
    }
  }

  async headPosition(): Promise<bigint> {
    let before: bigint | undefined;
    for (;;) {
      const read = this.client.readAll({ fromPosition: before === undefined ? END : toEsdbPosition(before), maxCount: 100, direction: BACKWARDS });
      let count = 0;
      for await (const resolved of read) {
        count++;
        const event = userEvent(resolved);
        if (!event) continue;
        if (!isSystemEvent(event)) return event.position;
        before = event.position;
      }
      if (count < 100 || before === undefined) return 0n;
    }
  }

  async close(): Promise<void> {
    this.closing.abort();
    await Promise.all(this.subscriptions);
    await this.client.dispose();
  }
}

function userEvent(resolved: AllStreamResolvedEvent): RecordedEvent | undefined {
  return resolved.event ? fromEsdbEvent(resolved.event) : undefined;
}

function sameIds(events: RecordedEvent[], ids: string[]): boolean {
  return events.length === ids.length && events.every((event, index) => event.id.toLowerCase() === ids[index]);
}
