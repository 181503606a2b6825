/**
 * Recent dream streams, folded: deciding a command on a long stream then reads and decrypts
 * only the events appended since (streams/load-stream.ts) instead of the whole stream.
 * Least recently used entries go first, bounded by a count and by an estimate of the bytes
 * held. An entry is only ever a starting point: the append's expected revision still
 * guards every decision, so an entry left behind by another replica's append costs a
 * conflict and a re-read, never a wrong answer.
 */
import type { Dream } from '@dreamcatcher/domain';

/** An event of the stream as a command's answer names it. */
export interface EventRef {
  id: string;
  type: string;
  revision: bigint;
  position: bigint;
}

export interface StreamEntry {
  state: Dream;
  /** Revision of the last event folded into `state` (-1n: none). */
  revision: bigint;
  /** Global position of that event (0n: none). */
  position: bigint;
  /** The stream's events by the command that caused them: how a retried request finds what it appended. */
  caused: ReadonlyMap<string, readonly EventRef[]>;
  /** The people whose personal data `state` holds in clear. */
  subjects: ReadonlySet<string>;
  /** Estimated memory held. */
  bytes: number;
}

export interface StreamCacheLimits {
  maxEntries: number;
  maxBytes: number;
}

export const DEFAULT_STREAM_CACHE_LIMITS: StreamCacheLimits = { maxEntries: 10_000, maxBytes: 32 * 1024 * 1024 };

export class StreamCache {
  private readonly entries = new Map<string, StreamEntry>();
  private heldBytes = 0;

  constructor(readonly limits: StreamCacheLimits) {
    if (!(limits.maxEntries >= 0 && limits.maxBytes >= 0)) throw new RangeError('stream cache limits must not be negative');
  }

  get(streamId: string): StreamEntry | undefined {
    const entry = this.entries.get(streamId);
    if (!entry) return undefined;
    // Map order is insertion order: re-inserting makes it the most recently used.
    this.entries.delete(streamId);
    this.entries.set(streamId, entry);
    return entry;
  }

  set(streamId: string, entry: StreamEntry): void {
    this.delete(streamId);
    if (entry.bytes > this.limits.maxBytes || this.limits.maxEntries === 0) return;
    this.entries.set(streamId, entry);
    this.heldBytes += entry.bytes;
    for (const [oldest] of this.entries) {
      if (this.entries.size <= this.limits.maxEntries && this.heldBytes <= this.limits.maxBytes) break;
      this.delete(oldest);
    }
  }

  delete(streamId: string): void {
    const entry = this.entries.get(streamId);
    if (!entry) return;
    this.entries.delete(streamId);
    this.heldBytes -= entry.bytes;
  }

  /** Drops every entry holding personal data of one of `erased`. */
  forgetSubjects(erased: ReadonlySet<string>): number {
    let dropped = 0;
    for (const [streamId, entry] of this.entries) {
      if ([...entry.subjects].some((subject) => erased.has(subject))) {
        this.delete(streamId);
        dropped++;
      }
    }
    return dropped;
  }

  /** Every subject some entry holds data of. */
  subjects(): Set<string> {
    const all = new Set<string>();
    for (const entry of this.entries.values()) for (const subject of entry.subjects) all.add(subject);
    return all;
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.heldBytes;
  }
}
