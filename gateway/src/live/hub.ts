/**
 * Fans the `dream_changes` notifications out to the live connections (SSE and WebSocket)
 * of each dream's owner, and only theirs. A change is loaded once, as its owner sees it,
 * however many connections that owner has. Each owner's changes are handled one at a time,
 * in the order the projections committed them, so no connection sees an older state after a
 * newer one; different owners do not wait for each other.
 */
import type { Logger } from '@dreamcatcher/service-kit';
import { messagesFor, needsDream, parseDreamChange, type LiveEvent } from './messages.js';

export interface LiveSubscriber {
  deliver(event: LiveEvent): void;
  /** Ends the connection (shutdown). */
  end(): void;
}

export type LoadDream = (userId: string, dreamId: string) => Promise<unknown | undefined>;

export class LiveHub {
  private readonly subscribers = new Map<string, Set<LiveSubscriber>>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly loadDream: LoadDream,
    private readonly logger: Logger,
  ) {}

  subscribe(userId: string, subscriber: LiveSubscriber): () => void {
    const set = this.subscribers.get(userId) ?? new Set();
    set.add(subscriber);
    this.subscribers.set(userId, set);
    return () => {
      set.delete(subscriber);
      if (set.size === 0 && this.subscribers.get(userId) === set) this.subscribers.delete(userId);
    };
  }

  get connections(): number {
    let count = 0;
    for (const set of this.subscribers.values()) count += set.size;
    return count;
  }

  /** Handles one `dream_changes` payload; changes of users with no live connection cost nothing. */
  onNotification(payload: string): void {
    const change = parseDreamChange(payload);
    if (!change) {
      this.logger.warn('ignoring malformed dream change notification');
      return;
    }
    if (!this.subscribers.has(change.ownerId)) return;
    const owner = change.ownerId;
    const queued = (this.queues.get(owner) ?? Promise.resolve()).then(async () => {
      if (!this.subscribers.has(change.ownerId)) return;
      try {
        const dream = needsDream(change) ? await this.loadDream(change.ownerId, change.dreamId) : undefined;
        const messages = messagesFor(change, dream);
        for (const subscriber of this.subscribers.get(change.ownerId) ?? []) {
          for (const message of messages) subscriber.deliver({ position: change.position, message });
        }
      } catch (error) {
        this.logger.warn('could not push a live update', { dreamId: change.dreamId, error: (error as Error).message });
      }
    });
    this.queues.set(owner, queued);
    void queued.then(() => this.queues.get(owner) === queued && this.queues.delete(owner));
  }

  /** Ends every live connection. */
  closeAll(): void {
    for (const set of this.subscribers.values()) for (const subscriber of set) subscriber.end();
    this.subscribers.clear();
  }

  /** Settles once every queued change has been handled (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all(this.queues.values());
  }
}
