/**
 * What the benchmark writes: the events a capture produces (as the command service would
 * append them), the HTTP body of a capture, and the same event as a plain table row for
 * the raw INSERT baselines.
 */
import { randomUUID } from 'node:crypto';
import type { EventToAppend } from '@dreamcatcher/event-store';

const BRANDS = ['personal', 'bc-innovations', 'bc-studio', 'mpgworldwide', 'accordingto'] as const;
const TAGS = ['ai', 'coding', 'web', 'mobile', 'business', 'research'];

/** About the size of a real capture: a paragraph of conversation, a feature, a snippet. */
const CONTENT =
  'How should the app count streaks when the phone was offline for two days? We compared a local ledger replayed on reconnect ' +
  'with server-side reconciliation, and settled on idempotent day markers keyed by the user and the calendar day.';

function metadata(userId: string, occurredAt: string) {
  return { userId, correlationId: randomUUID(), causationId: randomUUID(), occurredAt, schemaVersion: 1 };
}

export function fragmentInput(n: number) {
  return {
    title: `Streak logic ${n}`,
    content: CONTENT,
    source: 'chatgpt',
    url: 'https://chat.openai.com/c/streaks',
    mode: 'all' as const,
  };
}

export function fragmentCaptured(dreamId: string, userId: string, n: number, occurredAt = new Date().toISOString()): EventToAppend {
  return {
    id: randomUUID(),
    type: 'FragmentCaptured',
    data: {
      dreamId,
      fragment: { fragmentId: randomUUID(), ...fragmentInput(n), features: ['offline sync'], codeSnippets: [], capturedAt: occurredAt },
    },
    metadata: metadata(userId, occurredAt),
  };
}

export function dreamCreated(dreamId: string, userId: string, n: number, occurredAt = new Date().toISOString()): EventToAppend {
  return {
    id: randomUUID(),
    type: 'DreamCreated',
    data: { dreamId, ownerId: userId, title: `Dream ${n} of ${userId}`, status: 'idea', brand: BRANDS[n % BRANDS.length]!, tags: [TAGS[n % TAGS.length]!] },
    metadata: metadata(userId, occurredAt),
  };
}

/** What a capture that starts a dream appends: DreamCreated then FragmentCaptured, in one append. */
export function newDreamEvents(userId: string, n: number, occurredAt?: string): { dreamId: string; streamId: string; events: EventToAppend[] } {
  const dreamId = randomUUID();
  return { dreamId, streamId: `dream-${dreamId}`, events: [dreamCreated(dreamId, userId, n, occurredAt), fragmentCaptured(dreamId, userId, n, occurredAt)] };
}

/** The body of `POST /conversations/capture`: a new dream, or a fragment into `dreamId`. */
export function captureBody(n: number, dreamId?: string): Record<string, unknown> {
  if (dreamId) return { dreamId, fragment: fragmentInput(n) };
  return { dreamTitle: `Offline-first habit tracker ${n}`, brand: BRANDS[n % BRANDS.length], tags: [TAGS[n % TAGS.length]], fragment: fragmentInput(n) };
}

/**
 * The raw baselines' table: the columns of the store's `events` table with the same keys
 * and unique constraints, but a plain sequence for the position and no stream table.
 */
export const RAW_EVENTS_DDL = `
CREATE SCHEMA IF NOT EXISTS bench_raw;
CREATE TABLE IF NOT EXISTS bench_raw.events (
  position bigserial PRIMARY KEY,
  stream_id text NOT NULL,
  revision bigint NOT NULL,
  event_id uuid NOT NULL,
  type text NOT NULL,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_id, revision),
  UNIQUE (stream_id, event_id)
)`;

/** One row per event, as parameters of the raw INSERT: stream, revision, id, type, data, metadata. */
export function rawRow(streamId: string, revision: number, event: EventToAppend): unknown[] {
  return [streamId, revision, event.id, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata)];
}
