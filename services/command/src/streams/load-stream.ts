/**
 * A dream's stream, folded, for deciding a command. With a cache entry only the events after
 * its revision are read (and decrypted): a command on a dream of 800 events then costs about
 * what one on a new dream does. The entry is kept only while its people's data keys exist,
 * so that an erasure never leaves their personal data in clear in this process.
 */
import { subjectOf } from '@dreamcatcher/audit';
import { upcastRecorded } from '@dreamcatcher/contracts';
import { dreamDecider, type Dream, type RecordedDreamEvent } from '@dreamcatcher/domain';
import type { EventStore, RecordedEvent } from '@dreamcatcher/event-store';
import type { EventRef, StreamCache, StreamEntry } from './stream-cache.js';

/** Which of `subjects` have had their personal data erased. */
export type ErasedAmong = (subjects: ReadonlySet<string>) => Promise<Set<string>>;

export interface StreamSource {
  store: EventStore;
  cache?: StreamCache | undefined;
  erasedAmong?: ErasedAmong | undefined;
}

export interface LoadedStream {
  state: Dream;
  /** -1n for a stream with no events. */
  revision: bigint;
  position: bigint;
  /** Events the command with this id appended earlier. */
  causedBy(commandId: string): readonly EventRef[];
}

// What an entry holds beside its events' data: the state's object overhead, the causation index.
const BYTES_PER_EVENT = 256;

const EMPTY: StreamEntry = { state: dreamDecider.initialState(), revision: -1n, position: 0n, caused: new Map(), subjects: new Set(), bytes: 0 };

export async function loadStream(source: StreamSource, streamId: string): Promise<LoadedStream> {
  const { store, cache } = source;
  let base = cache?.get(streamId);
  if (base && source.erasedAmong && (await source.erasedAmong(base.subjects)).size > 0) {
    cache!.delete(streamId);
    base = undefined;
  }
  const events = await store.readStream(streamId, base ? { fromRevision: base.revision + 1n } : {});
  const entry = events.length ? fold(base ?? EMPTY, events) : (base ?? EMPTY);
  if (cache && entry !== base && entry.revision >= 0n) cache.set(streamId, entry);
  return { state: entry.state, revision: entry.revision, position: entry.position, causedBy: (commandId) => entry.caused.get(commandId) ?? [] };
}

function fold(base: StreamEntry, events: RecordedEvent[]): StreamEntry {
  let { state, bytes } = base;
  const caused = new Map(base.caused);
  const subjects = new Set(base.subjects);
  for (const event of events) {
    // Stored events keep the version they were written in; the decider knows only the current one.
    state = dreamDecider.evolve(state, upcastRecorded(event) as unknown as RecordedDreamEvent);
    const ref: EventRef = { id: event.id, type: event.type, revision: event.revision, position: event.position };
    caused.set(event.metadata.causationId, [...(caused.get(event.metadata.causationId) ?? []), ref]);
    const subject = subjectOf(event);
    if (subject !== undefined) subjects.add(subject);
    bytes += BYTES_PER_EVENT + 2 * (JSON.stringify(event.data)?.length ?? 0);
  }
  const last = events.at(-1)!;
  return { state, revision: last.revision, position: last.position, caused, subjects, bytes };
}
