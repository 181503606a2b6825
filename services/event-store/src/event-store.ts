/**
 * The event store: the system of record. One small interface, two adapters
 * (PostgreSQL in `postgres/`, EventStoreDB in `esdb/`), held to one contract suite
 * (`testing/contract-suite.ts`). Differences between the stores stay inside the
 * adapter folders.
 *
 * Revisions are zero-based per stream (the first event is revision 0, an absent
 * stream is revision -1). Positions order all events of the store; they strictly increase
 * but have gaps, so compare them, never count with them. Both are 64-bit and exposed as
 * bigint here and as decimal strings on the wire (`formatPosition` / `parsePosition`).
 */

/** Metadata every event carries; adapters store it verbatim and return it unchanged. */
export interface EventMetadata {
  userId: string;
  correlationId: string;
  causationId: string;
  occurredAt: string;
  schemaVersion: number;
  traceparent?: string;
  tracestate?: string;
  [key: string]: unknown;
}

/** An event about to be appended. `id` is a UUID chosen by the writer. */
export interface EventToAppend {
  id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

/** An event as stored: what was appended plus its place in the stream and the store. */
export interface RecordedEvent {
  id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  streamId: string;
  revision: bigint;
  position: bigint;
}

/**
 * What the writer expects of the stream before appending:
 * - `'any'`: no check;
 * - `'no_stream'`: the stream must not exist;
 * - `'stream_exists'`: the stream must exist;
 * - a revision: the stream's last event must be exactly that revision (-1n = no stream).
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface AppendOptions {
  expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the last event of the stream after this append. */
  nextExpectedRevision: bigint;
  /** Position of the last appended event. */
  position: bigint;
  /** One entry per appended event, in order. */
  events: { id: string; revision: bigint; position: bigint }[];
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive. Forwards defaults to 0n, backwards to the end of the stream. */
  fromRevision?: bigint;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events after this position are returned. Omitted: from the start. */
  after?: bigint;
  maxCount: number;
}

export interface ReadAllPage {
  events: RecordedEvent[];
  /** Position to pass as `after` for the next page (unchanged when the page is empty). */
  lastPosition: bigint | undefined;
  /** True when the page reached the current end of the store. */
  isEnd: boolean;
}

export interface SubscribeToAllOptions {
  /** Exclusive checkpoint owned by the subscriber: delivery starts after it. */
  after?: bigint;
  /**
   * Called once per event, in global order; the next event is not delivered until the
   * returned promise settles. A rejection stops the subscription with that error.
   */
  onEvent: (event: RecordedEvent) => Promise<void>;
  /** Aborting stops the subscription; `done` then resolves. */
  signal?: AbortSignal;
  /** Called once the subscription has caught up with the store and follows it live. */
  onLive?: () => void;
}

export interface Subscription {
  /** Settles when the subscription stops: resolves on abort, rejects on failure. */
  done: Promise<void>;
}

export interface EventStore {
  appendToStream(streamId: string, events: EventToAppend[], options?: AppendOptions): Promise<AppendResult>;
  /** Events of one stream; an absent or deleted stream reads as empty. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** All events in global commit order, a page at a time. Never skips an event that commits late. */
  readAll(options: ReadAllOptions): Promise<ReadAllPage>;
  /** Catch up from a checkpoint, then follow live. */
  subscribeToAll(options: SubscribeToAllOptions): Subscription;
  streamExists(streamId: string): Promise<boolean>;
  /**
   * Tombstones the stream: stream reads find nothing, appends fail with StreamDeletedError,
   * and deleting again is harmless. `readAll` and subscriptions still carry its events (as
   * EventStoreDB does until a scavenge); erasing their content is a separate concern.
   */
  deleteStream(streamId: string): Promise<void>;
  /** Position of the newest event readable in global order (0n when the store is empty). */
  headPosition(): Promise<bigint>;
  close(): Promise<void>;
}
