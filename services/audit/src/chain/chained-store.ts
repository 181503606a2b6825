/**
 * The hash chain as an EventStore decorator: every append through it is chained to the
 * stream's last event (event-hash.ts), so any writer that wraps its store gets the chain.
 *
 * To chain, the writer must know the last hash of the stream, and the append must land
 * right after that event. So the decorator always appends with an exact revision:
 * - an exact `expectedRevision` (what the command service uses) reads that one event;
 * - `'no_stream'` / `-1n` chains to the stream's genesis hash;
 * - `'any'` / `'stream_exists'` read the stream's tail and append exactly after it; when
 *   another writer gets in between, the append is tried again on the new tail.
 * The inner store's own checks (deleted streams, conflicts, idempotent repeats) stay in
 * charge; this layer only translates their answers back to the caller's expectation.
 *
 * Reads hand events back with the metadata the writer gave: the chain fields are the
 * store's business (as positions are), and the store contract promises metadata back
 * unchanged. `revealChain: true` keeps them, for auditors' views of history.
 */
import {
  WrongExpectedRevisionError,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadAllPage,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeToAllOptions,
  type Subscription,
} from '@dreamcatcher/event-store';
import { sleep } from '@dreamcatcher/service-kit';
import { chainEvents, emptyTail, linkHashOf, withoutChain, type ChainTail } from './event-hash.js';
import { findRepeatedAppend } from './repeated-append.js';

export interface ChainedEventStoreOptions {
  /** Keep `hash` and `previousHash` in the metadata of events read (default false). */
  revealChain?: boolean;
}

// A revision no stream ever reaches: an append expecting it always fails, and the failure
// says whether the stream is deleted and where it really is.
const UNREACHABLE_REVISION = 2n ** 63n - 1n;

// 'any' appends retry this often when other writers keep getting in first; from the third
// attempt on after a short random pause, so that writers racing for one stream spread out.
const MAX_ATTEMPTS = 20;

// Remembered stream tails are dropped together at this many streams, so the memory stays bounded.
const MAX_REMEMBERED_TAILS = 10_000;

export class ChainedEventStore implements EventStore {
  /**
   * The link hash of the last event of each stream this store read: a writer that reads a
   * stream and then appends after what it read (the command service decides on the stream
   * it has just loaded) needs no second read for the tail. Stored events never change, so
   * a remembered (revision, hash) stays true; an append whose expected revision is not the
   * remembered one reads the tail as before, and a stream that moved on or was deleted
   * meanwhile is refused by the inner store, exactly as after a fresh read. Only reads
   * fill it, never appends: an append may turn out to repeat an earlier one, whose stored
   * hashes are then not the ones just computed.
   */
  private readonly tails = new Map<string, ChainTail>();

  constructor(
    readonly inner: EventStore,
    private readonly options: ChainedEventStoreOptions = {},
  ) {}

  async appendToStream(streamId: string, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    // Nothing to chain: let the store refuse it in its own words.
    if (events.length === 0) return this.inner.appendToStream(streamId, events, options);
    for (let attempt = 1; ; attempt++) {
      const tail = await this.tailFor(streamId, expected);
      if (!tail) {
        await this.explainMissingTail(streamId, events, expected);
        if (attempt >= MAX_ATTEMPTS) throw new Error(`Append to ${streamId} kept racing other writers; gave up after ${attempt} attempts`);
        continue;
      }
      try {
        return await this.inner.appendToStream(streamId, chainEvents(streamId, tail, events), { expectedRevision: tail.revision });
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        // For an exact expectation the inner store already recognised a repeat; this is a real conflict.
        if (typeof expected === 'bigint' || expected === 'no_stream') throw new WrongExpectedRevisionError(streamId, expected, error.actual);
        const repeat = await findRepeatedAppend(this.inner, streamId, events);
        if (repeat.kind === 'idempotent') return repeat.result;
        if (repeat.kind === 'conflict') throw new WrongExpectedRevisionError(streamId, expected, error.actual);
        if (attempt >= MAX_ATTEMPTS) throw new Error(`Append to ${streamId} kept racing other writers; gave up after ${attempt} attempts`);
        if (attempt >= 2) await sleep(Math.random() * attempt * 2);
      }
    }
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const events = await this.inner.readStream(streamId, options);
    this.rememberTail(streamId, events);
    return events.map((event) => this.shown(event));
  }

  async readAll(options: ReadAllOptions): Promise<ReadAllPage> {
    const page = await this.inner.readAll(options);
    return { ...page, events: page.events.map((event) => this.shown(event)) };
  }

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    return this.inner.subscribeToAll({ ...options, onEvent: (event) => options.onEvent(this.shown(event)) });
  }

  streamExists(streamId: string): Promise<boolean> {
    return this.inner.streamExists(streamId);
  }

  deleteStream(streamId: string): Promise<void> {
    return this.inner.deleteStream(streamId);
  }

  headPosition(): Promise<bigint> {
    return this.inner.headPosition();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private rememberTail(streamId: string, events: RecordedEvent[]): void {
    let last: RecordedEvent | undefined;
    for (const event of events) if (!last || event.revision > last.revision) last = event;
    if (!last) return;
    const known = this.tails.get(streamId);
    if (known && known.revision >= last.revision) return;
    if (this.tails.size >= MAX_REMEMBERED_TAILS) this.tails.clear();
    this.tails.set(streamId, { revision: last.revision, hash: linkHashOf(last) });
  }

  private shown(event: RecordedEvent): RecordedEvent {
    return this.options.revealChain ? event : { ...event, metadata: withoutChain(event.metadata) };
  }

  /** The event the append must follow, or undefined when the stream is not where `expected` says. */
  private async tailFor(streamId: string, expected: ExpectedRevision): Promise<ChainTail | undefined> {
    if (expected === 'no_stream' || expected === -1n) return emptyTail(streamId);
    if (typeof expected === 'bigint') {
      const remembered = this.tails.get(streamId);
      if (remembered?.revision === expected) return remembered;
      const [event] = await this.inner.readStream(streamId, { fromRevision: expected, maxCount: 1 });
      return event?.revision === expected ? { revision: expected, hash: linkHashOf(event) } : undefined;
    }
    const [last] = await this.inner.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    if (last) return { revision: last.revision, hash: linkHashOf(last) };
    // An empty stream: 'any' starts it (a deleted one is refused by the store); 'stream_exists' cannot hold.
    return expected === 'any' ? emptyTail(streamId) : undefined;
  }

  /**
   * The stream reads as not being where `expected` says (absent, deleted, or elsewhere).
   * Stream reads cannot tell a deleted stream from an absent one, so the inner store is
   * asked with an append that cannot succeed: it answers StreamDeletedError, or the
   * conflict with the stream's actual revision. Returns when the expectation holds by now
   * (another writer moved the stream meanwhile), so that the caller tries again.
   */
  private async explainMissingTail(streamId: string, events: EventToAppend[], expected: ExpectedRevision): Promise<void> {
    try {
      await this.inner.appendToStream(streamId, events, { expectedRevision: UNREACHABLE_REVISION });
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      const holdsNow = typeof expected === 'bigint' ? error.actual === expected : error.actual >= 0n;
      if (holdsNow) return;
      throw new WrongExpectedRevisionError(streamId, expected, error.actual);
    }
    throw new Error(`The event store accepted an append to ${streamId} at revision ${UNREACHABLE_REVISION}`);
  }
}
