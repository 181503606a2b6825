/**
 * The PostgreSQL event store (the default).
 *
 * Global order without skipped late commits
 * -----------------------------------------
 * A position taken from a sequence is assigned when a row is inserted but becomes visible
 * when its transaction commits, and under concurrency those orders differ: a reader that
 * has passed position 12 (committed) never returns for 11 (committed later). Marten,
 * Eventuous and Emmett each shipped that bug. Here, the position is derived from the
 * writing transaction's id instead:
 *
 *     position = (pg_current_xact_id() << 20) + index of the event within its append
 *
 * Each append is one transaction and transaction ids are handed out in increasing order, so
 * ordering by position is ordering by (transaction id, index). A reader only returns rows
 * below `pg_snapshot_xmin(pg_current_snapshot()) << 20`: xmin is the oldest transaction
 * still running, so every transaction with a smaller id has committed or rolled back, and
 * any transaction that writes later gets a larger id. Nothing can therefore ever appear
 * below a reader's cursor: no skipped events, positions strictly increasing in read order,
 * and the writer knows its positions at append time (read-your-writes). The condition is a
 * plain primary-key range scan. This is the visibility rule PgQ (Skype's queue, for which
 * PostgreSQL's 64-bit transaction id functions were written) is built on, and the condition
 * Emmett's PostgreSQL store reads with since its fix (`transaction_id < pg_snapshot_xmin(..)`);
 * packing the id into the position keeps one bigint cursor. Positions are sparse: each
 * append leaves a gap up to the next transaction's range, and aborted appends leave theirs.
 *
 * The price: a transaction holding a transaction id stays "running" until it ends, and
 * xmin is cluster-wide, so one long-running writing transaction anywhere in the PostgreSQL
 * cluster (other databases included) holds every reader of the global order back until it
 * finishes. Events are not lost, only delayed. Hence: connections set
 * `idle_in_transaction_session_timeout` (the kit's `connectPostgres` does, 60 s by default),
 * long work (backfills, migrations that write) commits in batches, prepared (two-phase)
 * transactions are not left open, and readers read from the primary. A lag metric (head
 * position against a subscriber's checkpoint) shows such a stall.
 * Limit: 2^20 events per append; transaction ids must stay below 2^43 (they are 64-bit
 * epoch-extended and do not wrap).
 *
 * Concurrency and idempotency: see append.ts. Tombstones: `deleteStream` marks the stream
 * deleted; its events vanish from stream reads but stay in `$all` (as in EventStoreDB
 * until a scavenge), so subscribers and auditors still see that they happened; erasing
 * their content is a separate, later concern (crypto-shredding).
 *
 * Live following: after a committed append the store sends a NOTIFY from the pool, after
 * commit (a NOTIFY inside the append transaction would serialise all commits on the
 * notification queue lock). Notifications are coalesced: at most one pending at a time,
 * sent on the next tick, and during a burst at most one per `notifyIntervalMs` (10 ms), so
 * a single busy writer does not pay a second round trip per append. Subscribers LISTEN on
 * a dedicated connection and poll as a fallback (subscription.ts, listener.ts).
 */
import pg from 'pg';
import type { Logger } from '@dreamcatcher/service-kit';
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
import { appendEvents } from './append.js';
import { listen } from './listener.js';
import { toRecordedEvent, type EventRow } from './rows.js';
import { APPEND_CHANNEL } from './schema.js';
import * as sql from './sql.js';
import { followAll, type AllPage } from './subscription.js';

export interface PostgresEventStoreOptions {
  logger?: Logger | undefined;
  /** How often an idle subscription polls, in case a notification was lost (default 500 ms). */
  pollIntervalMs?: number | undefined;
  /** Events a subscription reads per page (default 500). */
  subscriptionPageSize?: number | undefined;
  /** Appends committing within this long of the last NOTIFY share the next one (default 10 ms). */
  notifyIntervalMs?: number | undefined;
}

const MAX_REVISION = 2n ** 63n - 1n;

export class PostgresEventStore implements EventStore {
  private readonly closing = new AbortController();
  private readonly subscriptions = new Set<Promise<void>>();
  private readonly notifications = new Set<Promise<unknown>>();
  private pendingNotify: Promise<unknown> | undefined;
  private lastNotifyAt = -Infinity;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: PostgresEventStoreOptions = {},
  ) {}

  async appendToStream(streamId: string, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    const { result, wrote } = await appendEvents(this.pool, streamId, events, options.expectedRevision ?? 'any');
    if (wrote) this.scheduleNotify();
    return result;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? MAX_REVISION : 0n);
    const { rows } = await this.pool.query<EventRow>(backwards ? sql.READ_STREAM_BACKWARDS : sql.READ_STREAM_FORWARDS, [
      streamId,
      from,
      options.maxCount ?? null,
    ]);
    return rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions): Promise<ReadAllPage> {
    const page = await this.readAllPage(options.after, options.maxCount);
    return { events: page.events, lastPosition: page.events.at(-1)?.position ?? options.after, isEnd: page.isEnd };
  }

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    const subscription = followAll(options, {
      readPage: (after, maxCount) => this.readAllPage(after, maxCount),
      listen: (wake, signal) =>
        listen({
          connect: () => new pg.Client({ ...this.pool.options, application_name: 'event-store-listener' }),
          channel: APPEND_CHANNEL,
          onNotify: wake,
          signal,
          logger: this.options.logger,
        }),
      pageSize: this.options.subscriptionPageSize ?? 500,
      pollIntervalMs: this.options.pollIntervalMs ?? 500,
      logger: this.options.logger,
      storeSignal: this.closing.signal,
    });
    const settled = subscription.done.catch(() => undefined);
    this.subscriptions.add(settled);
    void settled.then(() => this.subscriptions.delete(settled));
    return subscription;
  }

  async streamExists(streamId: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ exists: boolean }>(sql.STREAM_EXISTS, [streamId]);
    return rows[0]!.exists;
  }

  async deleteStream(streamId: string): Promise<void> {
    await this.pool.query(sql.DELETE_STREAM, [streamId]);
  }

  async headPosition(): Promise<bigint> {
    const { rows } = await this.pool.query<{ head: bigint | string }>(sql.HEAD_POSITION);
    return BigInt(rows[0]!.head);
  }

  /** Stops this store's subscriptions and pending notifications; the pool stays open (its owner ends it). */
  async close(): Promise<void> {
    this.closing.abort();
    await Promise.all([...this.subscriptions, ...this.notifications]);
  }

  private async readAllPage(after: bigint | undefined, maxCount: number): Promise<AllPage> {
    if (!Number.isInteger(maxCount) || maxCount < 1) throw new RangeError('maxCount must be a positive integer');
    const { rows } = await this.pool.query<Partial<EventRow> & { held_back: boolean }>(sql.READ_ALL, [after ?? -1n, maxCount]);
    const events = rows.filter((row) => row.position != null).map((row) => toRecordedEvent(row as EventRow));
    return { events, isEnd: events.length < maxCount, heldBack: rows[0]?.held_back ?? false };
  }

  private scheduleNotify(): void {
    // A NOTIFY already scheduled goes out after this commit and so covers it too.
    if (this.pendingNotify) return;
    // Leading edge on the next tick (an isolated append wakes followers at once); within
    // `notifyIntervalMs` of the last one, a burst shares a single trailing NOTIFY.
    const waitMs = Math.max(0, this.lastNotifyAt + (this.options.notifyIntervalMs ?? 10) - Date.now());
    const sent = new Promise((resolve) => (waitMs > 0 ? setTimeout(resolve, waitMs) : setImmediate(resolve)))
      .then(() => {
        this.pendingNotify = undefined;
        this.lastNotifyAt = Date.now();
        return this.pool.query(sql.NOTIFY, [APPEND_CHANNEL]);
      })
      // Best effort: a lost notification costs a subscriber at most one poll interval.
      .catch((error: Error) => this.options.logger?.warn('event store NOTIFY failed', { error: error.message }))
      .finally(() => this.notifications.delete(sent));
    this.pendingNotify = sent;
    this.notifications.add(sent);
  }
}
