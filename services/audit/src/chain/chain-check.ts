/**
 * Checking a stream's hash chain, one event at a time (pure). The first event that does
 * not fit is reported; what follows it in the same stream is not judged, since every later
 * link depends on the broken one.
 */
import type { RecordedEvent } from '@dreamcatcher/event-store';
import { genesisHash, hashEvent } from './event-hash.js';

export type BrokenLinkReason =
  /** The revision is not the one after its predecessor's: an event is missing, or events were reordered. */
  | 'revision_gap'
  /** The event carries no chain fields (written without the audited store, or stripped). */
  | 'missing_hash'
  /** `previousHash` is not its predecessor's hash: the event before it was removed, replaced or reordered. */
  | 'previous_hash_mismatch'
  /** The content no longer matches `hash`: the event itself was altered. */
  | 'hash_mismatch';

/** The first event whose link does not hold. Revisions and positions are decimal strings. */
export interface BrokenLink {
  eventId: string;
  streamId: string;
  revision: string;
  position: string;
  reason: BrokenLinkReason;
  /** The same in words, for people. */
  detail: string;
}

export interface StreamVerification {
  ok: boolean;
  /** Events checked (all of the stream's, even after a break). */
  checked: number;
  firstBroken?: BrokenLink;
}

/** Follows one stream's chain through its events in revision order. */
export class ChainCheck {
  private nextRevision = 0n;
  private previousHash: string;
  checked = 0;
  firstBroken: BrokenLink | undefined;

  constructor(readonly streamId: string) {
    this.previousHash = genesisHash(streamId);
  }

  /** Checks the next event of the stream; returns the break when this event is the first one. */
  check(event: RecordedEvent): BrokenLink | undefined {
    if (event.streamId !== this.streamId) throw new RangeError(`event ${event.id} belongs to stream ${event.streamId}, not ${this.streamId}`);
    this.checked++;
    if (this.firstBroken) return undefined;
    const broken = this.judge(event);
    this.nextRevision = event.revision + 1n;
    const hash = event.metadata.hash;
    // Chain on the recorded hash: an altered event is reported once, not again at its successor.
    if (typeof hash === 'string') this.previousHash = hash;
    if (broken) this.firstBroken = broken;
    return broken;
  }

  result(): StreamVerification {
    return { ok: !this.firstBroken, checked: this.checked, ...(this.firstBroken && { firstBroken: this.firstBroken }) };
  }

  private judge(event: RecordedEvent): BrokenLink | undefined {
    const at = (reason: BrokenLinkReason, detail: string): BrokenLink => ({
      eventId: event.id,
      streamId: event.streamId,
      revision: event.revision.toString(),
      position: event.position.toString(),
      reason,
      detail,
    });
    if (event.revision !== this.nextRevision) {
      return at('revision_gap', `revision ${event.revision} where revision ${this.nextRevision} was expected: an event before it is missing, or events were reordered`);
    }
    const { hash, previousHash } = event.metadata;
    if (typeof hash !== 'string' || typeof previousHash !== 'string') return at('missing_hash', 'the event carries no hash chain');
    if (previousHash !== this.previousHash) {
      return at('previous_hash_mismatch', event.revision === 0n
        ? 'the first event does not chain to the start of its stream'
        : `does not chain to revision ${event.revision - 1n}: an event before it was removed, replaced or reordered`);
    }
    if (hashEvent(event) !== hash) return at('hash_mismatch', 'the event was altered after it was written: its content does not match its hash');
    return undefined;
  }
}

/** Verifies one stream's events, given in revision order from revision 0 (as `readStream` returns them). */
export function verifyStream(events: readonly RecordedEvent[]): StreamVerification {
  const first = events[0];
  if (!first) return { ok: true, checked: 0 };
  const check = new ChainCheck(first.streamId);
  for (const event of events) check.check(event);
  return check.result();
}
