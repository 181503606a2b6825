/**
 * Rules every adapter applies the same way: what a valid append is, whether a stream's
 * revision satisfies an expectation, and when a repeated append is the same append.
 * Pure, so both stores agree by construction and the rules are unit-tested.
 */
import { ValidationError, type Violation } from '@dreamcatcher/service-kit/errors';
import type { AppendResult, EventToAppend, ExpectedRevision } from './event-store.js';

/**
 * Events in one append, at most. The PostgreSQL store packs the index of an event within
 * its append into the low 20 bits of its position; EventStoreDB applies the same limit so
 * that both stores accept the same appends (it also caps an append's size in bytes).
 */
export const MAX_EVENTS_PER_APPEND = 1 << 20;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Streams named by a UUID, which is the same id in any case: two of them that differ only
 * by case would be two streams for one read-model row. Other streams (`user-<sub>`) are
 * named by case-sensitive text and are left alone.
 */
export const CASE_INSENSITIVE_STREAM_PREFIX = 'dream-';

/** The key under which a stream id must be unique regardless of case, or undefined when case matters. */
export function caseInsensitiveKey(streamId: string): string | undefined {
  return streamId.startsWith(CASE_INSENSITIVE_STREAM_PREFIX) ? streamId.toLowerCase() : undefined;
}

/**
 * Rejects appends no store should take: no events, ids that are not UUIDs or repeat within
 * the append, and `$`-prefixed stream ids or event types, which EventStoreDB reserves for
 * system streams and events (its adapter filters them out of `$all`, so they would vanish).
 */
export function validateAppend(streamId: string, events: EventToAppend[], expected: ExpectedRevision, maxEvents: number): void {
  const violations: Violation[] = [];
  if (typeof streamId !== 'string' || streamId.length === 0) violations.push({ path: '/streamId', message: 'must be a non-empty string' });
  else if (streamId.startsWith('$')) violations.push({ path: '/streamId', message: 'must not start with "$" (reserved for system streams)' });
  if (typeof expected === 'bigint' && expected < -1n) violations.push({ path: '/expectedRevision', message: 'must be -1 or more' });
  if (events.length === 0) violations.push({ path: '/events', message: 'must hold at least one event' });
  if (events.length > maxEvents) {
    throw new ValidationError(`Append to ${String(streamId)} has ${events.length} events; at most ${maxEvents} fit in one append`, [
      { path: '/events', message: `must hold at most ${maxEvents} events` },
    ]);
  }
  const seen = new Set<string>();
  events.forEach((event, index) => {
    if (typeof event.id !== 'string' || !UUID.test(event.id)) violations.push({ path: `/events/${index}/id`, message: 'must be a UUID' });
    else if (seen.has(event.id.toLowerCase())) violations.push({ path: `/events/${index}/id`, message: 'repeats an id of this append' });
    else seen.add(event.id.toLowerCase());
    if (typeof event.type !== 'string' || event.type.length === 0) violations.push({ path: `/events/${index}/type`, message: 'must be a non-empty string' });
    else if (event.type.startsWith('$')) violations.push({ path: `/events/${index}/type`, message: 'must not start with "$" (reserved for system events)' });
  });
  if (violations.length) throw new ValidationError(`Invalid append to stream ${String(streamId)}`, violations);
}

/** Whether a stream whose last revision is `actual` (-1n: absent) satisfies `expected`. */
export function revisionMatches(expected: ExpectedRevision, actual: bigint): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === -1n;
    case 'stream_exists':
      return actual >= 0n;
    default:
      return actual === expected;
  }
}

/** An event already in the stream, as found by the ids of a repeated append. */
export interface StoredEventRef {
  id: string;
  revision: bigint;
  position: bigint;
}

export type RepeatedAppend =
  /** None of the ids is in the stream: this is a new append. */
  | { kind: 'new' }
  /** All of them are, in order, where the expectation puts them: answer as the first time. */
  | { kind: 'idempotent'; result: AppendResult }
  /** Some are, or all are but elsewhere: a different write raced this one. */
  | { kind: 'conflict' };

/**
 * Decides whether an append whose ids are (partly) in the stream repeats an earlier
 * append. It does when every id is there, consecutively and in the same order, starting
 * where `expected` says the append would have started (anywhere for 'any' and
 * 'stream_exists') — EventStoreDB's rule for retried writes.
 */
export function classifyRepeatedAppend(expected: ExpectedRevision, ids: string[], stored: StoredEventRef[]): RepeatedAppend {
  if (stored.length === 0) return { kind: 'new' };
  if (stored.length !== ids.length) return { kind: 'conflict' };
  const byRevision = [...stored].sort((a, b) => (a.revision < b.revision ? -1 : a.revision > b.revision ? 1 : 0));
  const first = byRevision[0]!.revision;
  const inPlace = byRevision.every((event, index) => event.revision === first + BigInt(index) && sameId(event.id, ids[index]!));
  const expectedFirst = expected === 'no_stream' ? 0n : typeof expected === 'bigint' ? expected + 1n : first;
  if (!inPlace || first !== expectedFirst) return { kind: 'conflict' };
  const last = byRevision[byRevision.length - 1]!;
  return {
    kind: 'idempotent',
    result: {
      nextExpectedRevision: last.revision,
      position: last.position,
      events: byRevision.map(({ id, revision, position }) => ({ id, revision, position })),
    },
  };
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** What a store found when an append it was given wrote nothing. */
export interface RejectedAppendFacts {
  /** The stream's row; undefined when the stream was never written or deleted. */
  stream: { revision: bigint; deleted: boolean } | undefined;
  /** The events of the stream that carry ids of the append. */
  stored: StoredEventRef[];
}

export type RejectedAppendOutcome =
  | { kind: 'deleted' }
  | { kind: 'idempotent'; result: AppendResult }
  | { kind: 'conflict'; actual: bigint }
  /** The expectation holds now: the stream moved between the attempt and the look, so try again. */
  | { kind: 'retry' };

/** Explains a refused append: tombstone first, then a repeat of an earlier append, then the revision. */
export function judgeRejectedAppend(expected: ExpectedRevision, ids: string[], facts: RejectedAppendFacts): RejectedAppendOutcome {
  if (facts.stream?.deleted) return { kind: 'deleted' };
  const actual = facts.stream?.revision ?? -1n;
  const repeated = classifyRepeatedAppend(expected, ids, facts.stored);
  if (repeated.kind === 'idempotent') return repeated;
  if (repeated.kind === 'conflict') return { kind: 'conflict', actual };
  return revisionMatches(expected, actual) ? { kind: 'retry' } : { kind: 'conflict', actual };
}
