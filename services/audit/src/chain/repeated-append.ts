/**
 * Whether an `'any'` append that met a conflict repeats an earlier append. The chain layer
 * turns `'any'` into an exact revision, and the inner store then only recognises a repeat
 * right after that revision; an earlier copy can sit anywhere in the stream, so it is
 * looked for here, by the same rule the stores use: every id present, consecutively and
 * in order, answers as the first time; some present is a conflict; none is a new append.
 */
import type { AppendResult, EventStore, EventToAppend, RecordedEvent } from '@dreamcatcher/event-store';

export type RepeatedAppend = { kind: 'new' } | { kind: 'conflict' } | { kind: 'idempotent'; result: AppendResult };

const PAGE = 256;

export async function findRepeatedAppend(store: EventStore, streamId: string, events: readonly EventToAppend[]): Promise<RepeatedAppend> {
  const ids = events.map((event) => event.id.toLowerCase());
  const wanted = new Set(ids);
  const found: RecordedEvent[] = [];
  // Backwards from the end: a retried append is most likely near the tail.
  let from: bigint | undefined;
  for (;;) {
    const page = await store.readStream(streamId, { direction: 'backwards', maxCount: PAGE, ...(from !== undefined && { fromRevision: from }) });
    for (const event of page) if (wanted.has(event.id.toLowerCase())) found.push(event);
    const oldest = page.at(-1);
    if (found.length === ids.length || page.length < PAGE || !oldest || oldest.revision === 0n) break;
    from = oldest.revision - 1n;
  }
  if (found.length === 0) return { kind: 'new' };
  found.reverse();
  const first = found[0]!.revision;
  const inPlace = found.length === ids.length && found.every((event, index) => event.revision === first + BigInt(index) && event.id.toLowerCase() === ids[index]);
  if (!inPlace) return { kind: 'conflict' };
  const last = found.at(-1)!;
  return {
    kind: 'idempotent',
    result: { nextExpectedRevision: last.revision, position: last.position, events: found.map(({ id, revision, position }) => ({ id, revision, position })) },
  };
}
