/**
 * A concurrent workload written straight to the (audited) event store: writers append to
 * many dreams of a few users at once, one event per append with an exact expected revision,
 * so the store's global order interleaves every stream. Users can be erased mid-run; their
 * dreams then only get changes without personal data (tags, status), as after a real erasure.
 * A seeded random generator makes a run repeatable.
 */
import { randomUUID } from 'node:crypto';
import { validateEvent, type EventDataByType, type EventType } from '@dreamcatcher/contracts';
import { SubjectErasedError } from '@dreamcatcher/audit';
import type { EventStore, EventToAppend } from '@dreamcatcher/event-store';
import { seededRandom } from '../support/random.js';

const TAGS = ['ai', 'mobile', 'web', 'design', 'health', 'music', 'space', 'coding'];
const STATUSES = ['idea', 'in_progress', 'completed'] as const;

/** One dream's writer: knows enough of its state to write only valid next events. */
export class DreamWriter {
  readonly dreamId = randomUUID();
  revision = -1n;
  private tags = new Set<string>();
  private status: (typeof STATUSES)[number] = 'idea';
  private todos: string[] = [];
  private fragments = 0;

  constructor(readonly ownerId: string) {}

  get streamId(): string {
    return `dream-${this.dreamId}`;
  }

  private event<T extends EventType>(type: T, data: Omit<EventDataByType[T], 'dreamId'>): EventToAppend {
    const full = { dreamId: this.dreamId, ...data };
    const violations = validateEvent(type, 1, full);
    if (violations.length) throw new Error(`${type} breaks its contract: ${JSON.stringify(violations)}`);
    return {
      id: randomUUID(),
      type,
      data: full,
      metadata: { userId: this.ownerId, subjectId: this.ownerId, correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString(), schemaVersion: 1 },
    };
  }

  /** The next event; `personal: false` after the owner's erasure (no personal fields). */
  next(random: () => number, { personal }: { personal: boolean }): EventToAppend {
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    if (this.revision < 0n) {
      this.tags = new Set([pick(TAGS)]);
      return this.event('DreamCreated', { ownerId: this.ownerId, title: `Dream of ${this.ownerId}`, description: 'Written by the scale test', status: 'idea', brand: 'personal', tags: [...this.tags] });
    }
    const roll = random();
    if (!personal || roll < 0.25) {
      const tag = pick(TAGS);
      if (this.tags.has(tag)) {
        this.tags.delete(tag);
        return this.event('DreamUntagged', { tags: [tag] });
      }
      this.tags.add(tag);
      return this.event('DreamTagged', { tags: [tag] });
    }
    if (roll < 0.35) {
      const to = pick(STATUSES.filter((status) => status !== this.status));
      const from = this.status;
      this.status = to;
      return this.event('DreamStatusChanged', { from, to });
    }
    if (roll < 0.55 && this.todos.length) {
      const [todoId] = this.todos.splice(Math.floor(random() * this.todos.length), 1);
      return this.event('TodoCompleted', { todoId: todoId! });
    }
    if (roll < 0.75) {
      const todoId = randomUUID();
      this.todos.push(todoId);
      return this.event('TodoAdded', { todo: { todoId, title: `Todo ${this.todos.length}`, priority: 'medium', status: 'pending', source: 'manual' } });
    }
    this.fragments++;
    return this.event('FragmentCaptured', {
      fragment: { fragmentId: randomUUID(), title: `Chat ${this.fragments}`, content: 'User: what next? Assistant: a plan.', source: 'claude', url: 'https://claude.ai/chat/1', mode: 'all', features: [], codeSnippets: [], capturedAt: new Date().toISOString() },
    });
  }
}

export interface WorkloadOptions {
  store: EventStore;
  users: string[];
  dreamsPerUser: number;
  /** Concurrent appenders. */
  writers: number;
  events: number;
  seed: number;
  /** Called after each append with how many events were written so far. */
  onProgress?: (written: number) => Promise<void> | void;
  /** Users whose data was erased (their dreams then only get non-personal changes). */
  erased?: ReadonlySet<string>;
}

/** Appends `events` events across the users' dreams from `writers` concurrent loops; returns the dreams. */
export async function runWorkload(options: WorkloadOptions): Promise<DreamWriter[]> {
  const random = seededRandom(options.seed);
  const dreams = options.users.flatMap((user) => Array.from({ length: options.dreamsPerUser }, () => new DreamWriter(user)));
  const busy = new Set<DreamWriter>();
  let written = 0;
  const loop = async () => {
    while (written < options.events) {
      const idle = dreams.filter((dream) => !busy.has(dream));
      const dream = idle[Math.floor(random() * idle.length)];
      if (!dream) return;
      busy.add(dream);
      written++;
      try {
        const event = dream.next(random, { personal: !options.erased?.has(dream.ownerId) });
        const result = await options.store.appendToStream(dream.streamId, [event], { expectedRevision: dream.revision });
        dream.revision = result.nextExpectedRevision;
      } catch (error) {
        // Personal data built just before its owner's erasure is refused (410), as for a real client.
        if (!(error instanceof SubjectErasedError)) throw error;
      } finally {
        busy.delete(dream);
      }
      await options.onProgress?.(written);
    }
  };
  await Promise.all(Array.from({ length: options.writers }, loop));
  return dreams;
}
