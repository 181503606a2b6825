/**
 * Deciding a command against its dream's stream and appending the result.
 *
 * Load the stream (from the stream cache and the events after it, streams/load-stream.ts),
 * fold it with `evolve`, `decide`, append with the loaded revision as the expected revision. When another writer got there first (WrongExpectedRevisionError):
 * - with an explicit expected revision (If-Match) the caller decided on what it saw, so
 *   the answer is 412 with the current revision;
 * - without, nothing the caller saw is at stake: reload and decide again, which is safe
 *   because the decider re-checks every rule on the fresh state; bounded, with jittered
 *   backoff, then 409. The conflict also drops the stream's cache entry, so the next
 *   attempt reads the stream whole.
 * With If-Match and a stream already elsewhere, 412 at once, without deciding; but only
 * after ownership is checked, so another user's (or a missing) dream is a 404 first.
 *
 * Before deciding, the stream's events are searched for ones this command caused
 * (causationId = command id). Command ids are derived from the idempotency key, so finding
 * them means an earlier attempt of this very request appended and then failed to store its
 * answer (a crash); the answer is rebuilt from those events and nothing is appended again.
 */
import { ConflictError, NotFoundError, PreconditionFailedError } from '@dreamcatcher/service-kit/errors';
import { backoffDelay, sleep } from '@dreamcatcher/service-kit';
import { checkAccess, dreamDecider, dreamStreamId } from '@dreamcatcher/domain';
import { formatPosition, StreamIdCollisionError, WrongExpectedRevisionError } from '@dreamcatcher/event-store';
import { loadStream, type LoadedStream, type StreamSource } from '../streams/load-stream.js';
import type { CreatedIds, PreparedCommand } from './prepare-command.js';
import { dataSubject, prepareEvents, type CommandContext } from './prepare-events.js';

/** The answer to a command that was carried out (or changed nothing). */
export interface CommandResult extends CreatedIds {
  dreamId: string;
  /** The stream's revision after the command (decimal string). */
  revision: string;
  /** Global position of the command's last event, or of the stream's last event for a no-op. */
  position: string;
  events: { eventId: string; type: string; revision: string; position: string }[];
}

export interface Executed {
  result: CommandResult;
  /** The command started the dream (201). */
  created: boolean;
  /** Events appended by this call (0 for a no-op or a recovered earlier attempt). */
  appended: number;
}

export interface ExecuteOptions extends StreamSource {
  /** Attempts when the stream moved under a command without If-Match (default 5). */
  maxAttempts?: number;
  onConflict?: () => void;
  onRetry?: () => void;
}

const CREATING_EVENTS = new Set(['DreamCreated', 'DreamImported']);

export async function executeCommand(
  prepared: PreparedCommand,
  context: CommandContext,
  expectedRevision: bigint | undefined,
  options: ExecuteOptions,
): Promise<Executed> {
  const { store, maxAttempts = 5 } = options;
  const streamId = dreamStreamId(prepared.dreamId);
  for (let attempt = 1; ; attempt++) {
    const loaded = await loadStream(options, streamId);
    const own = loaded.causedBy(context.commandId);
    if (own.length) return { ...answer(prepared, own), appended: 0 };

    const { state } = loaded;
    // Before If-Match: a 412 would tell someone else's dream exists, and its revision.
    checkAccess(prepared.command, state);
    const current = loaded.revision;
    if (expectedRevision !== undefined && expectedRevision !== current) throw staleRevision(prepared.dreamId, expectedRevision, current);

    const decided = dreamDecider.decide(prepared.command, state);
    if (decided.length === 0) return { result: noChange(prepared, loaded), created: false, appended: 0 };

    const events = prepareEvents(decided, context, dataSubject(state, decided, context.userId));
    try {
      const appended = await store.appendToStream(streamId, events, { expectedRevision: current });
      const stored = events.map((event, index) => ({ type: event.type, ...appended.events[index]! }));
      return { ...answer(prepared, stored), appended: events.length };
    } catch (error) {
      // Ids enter canonical, so only a writer that bypassed that gets here: the dream is another spelling's.
      if (error instanceof StreamIdCollisionError) throw new NotFoundError('Dream not found');
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      options.cache?.delete(streamId);
      options.onConflict?.();
      if (expectedRevision !== undefined) throw staleRevision(prepared.dreamId, expectedRevision, error.actual);
      if (attempt >= maxAttempts) {
        throw new ConflictError('The dream kept changing while the command was decided; try again', 'concurrency_conflict', {
          dreamId: prepared.dreamId,
          attempts: attempt,
        });
      }
      options.onRetry?.();
      await sleep(backoffDelay(attempt - 1, 10, 250));
    }
  }
}

function answer(prepared: PreparedCommand, events: readonly { id: string; type: string; revision: bigint; position: bigint }[]): Omit<Executed, 'appended'> {
  const last = events.at(-1)!;
  return {
    created: events.some((event) => CREATING_EVENTS.has(event.type)),
    result: {
      dreamId: prepared.dreamId,
      revision: formatPosition(last.revision),
      position: formatPosition(last.position),
      events: events.map((event) => ({
        eventId: event.id,
        type: event.type,
        revision: formatPosition(event.revision),
        position: formatPosition(event.position),
      })),
      ...prepared.createdIds,
    },
  };
}

function noChange(prepared: PreparedCommand, loaded: LoadedStream): CommandResult {
  return {
    dreamId: prepared.dreamId,
    revision: loaded.revision.toString(),
    position: formatPosition(loaded.position),
    events: [],
    ...prepared.createdIds,
  };
}

function staleRevision(dreamId: string, expected: bigint, current: bigint): PreconditionFailedError {
  return new PreconditionFailedError(`The dream is at revision ${current}, not ${expected}`, {
    dreamId,
    expectedRevision: expected.toString(),
    currentRevision: current.toString(),
  });
}
