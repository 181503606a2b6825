/**
 * Fans the `dream_changes` notifications out to the live connections (SSE and WebSocket)
 * of each dream's owner, and only theirs. Each owner's changes are handled one at a time,
 * in the order the projections committed them, so no connection sees an older state after a
 * newer one; different owners do not wait for each other.
 *
 * The hub also holds what bounds a live connection: how many one user and the gateway may
 * hold (every connection costs memory for as long as it is open), and how long each may
 * live (no longer than its token, and not past its API key's revocation).
 */
import type { Logger } from '@dreamcatcher/service-kit';
import type { Principal } from '../auth/roles.js';
import { messagesFor, needsDream, parseDreamChange, parseImportProgress, type LiveEvent } from './messages.js';

/** Why a live connection ended (the `reason` label of `gateway_live_connections_ended_total`). */
export type EndReason = 'closed' | 'slow_consumer' | 'token_expired' | 'key_revoked' | 'shutdown';

export interface LiveSubscriber {
  deliver(event: LiveEvent): void;
  /** Ends the connection for `reason` (the hub has already let it go). */
  end(reason: EndReason): void;
}

export type LoadDream = (userId: string, dreamId: string) => Promise<unknown | undefined>;

export interface LiveLimits {
  maxPerUser: number;
  maxTotal: number;
}

/** A subscription: `leave` lets the connection go (idempotent) and says why. */
export type Admission = { admitted: true; leave: (reason: EndReason) => void } | { admitted: false; limit: 'per_user' | 'total' };

interface Entry {
  principal: Principal;
  subscriber: LiveSubscriber;
  expiry?: NodeJS.Timeout;
}

// setTimeout fires at once for delays past 2^31-1 ms; a later expiry is re-armed when that one fires.
const MAX_TIMER_MS = 2 ** 31 - 1;

export class LiveHub {
  private readonly subscribers = new Map<string, Set<Entry>>();
  private readonly queues = new Map<string, Promise<void>>();
  private total = 0;

  constructor(
    private readonly loadDream: LoadDream,
    private readonly logger: Logger,
    private readonly limits: LiveLimits = { maxPerUser: Infinity, maxTotal: Infinity },
    private readonly onEnded: (reason: EndReason) => void = () => undefined,
  ) {}

  /** Admits a connection unless its user, or the gateway, already holds as many as allowed. */
  subscribe(principal: Principal, subscriber: LiveSubscriber): Admission {
    const set = this.subscribers.get(principal.userId) ?? new Set();
    if (set.size >= this.limits.maxPerUser) return { admitted: false, limit: 'per_user' };
    if (this.total >= this.limits.maxTotal) return { admitted: false, limit: 'total' };
    const entry: Entry = { principal, subscriber };
    set.add(entry);
    this.subscribers.set(principal.userId, set);
    this.total++;
    this.armExpiry(entry);
    return { admitted: true, leave: (reason) => this.release(entry, reason) };
  }

  get connections(): number {
    return this.total;
  }

  /** The API keys that open connections were opened with. */
  apiKeyIds(): string[] {
    const ids = new Set<string>();
    for (const set of this.subscribers.values()) for (const entry of set) if (entry.principal.apiKeyId) ids.add(entry.principal.apiKeyId);
    return [...ids];
  }

  /** Ends every connection opened with the API key `apiKeyId`, on this replica. */
  revokeApiKey(apiKeyId: string): void {
    for (const set of this.subscribers.values()) {
      for (const entry of set) if (entry.principal.apiKeyId === apiKeyId) this.end(entry, 'key_revoked');
    }
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
      if (!this.subscribers.has(owner)) return;
      try {
        const dream = needsDream(change) ? await this.loadDream(owner, change.dreamId) : undefined;
        const messages = messagesFor(change, dream);
        for (const entry of this.subscribers.get(owner) ?? []) {
          for (const message of messages) entry.subscriber.deliver({ position: change.position, message });
        }
      } catch (error) {
        this.logger.warn('could not push a live update', { dreamId: change.dreamId, error: (error as Error).message });
      }
    });
    this.queues.set(owner, queued);
    void queued.then(() => this.queues.get(owner) === queued && this.queues.delete(owner));
  }

  /** Pushes an `import_progress` payload to its owner's connections, after the changes queued before it. */
  onImportProgress(payload: string): void {
    const progress = parseImportProgress(payload);
    if (!progress || !this.subscribers.has(progress.userId)) return;
    const owner = progress.userId;
    const queued = (this.queues.get(owner) ?? Promise.resolve()).then(() => {
      for (const entry of this.subscribers.get(owner) ?? []) entry.subscriber.deliver({ message: progress.message });
    });
    this.queues.set(owner, queued);
    void queued.then(() => this.queues.get(owner) === queued && this.queues.delete(owner));
  }

  /** Ends every live connection. */
  closeAll(): void {
    for (const set of [...this.subscribers.values()]) for (const entry of [...set]) this.end(entry, 'shutdown');
  }

  /** Settles once every queued change has been handled (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all(this.queues.values());
  }

  private armExpiry(entry: Entry): void {
    const { expiresAt } = entry.principal;
    if (expiresAt === undefined) return;
    // Never synchronously: the connection is still being set up when it subscribes.
    const delay = Math.max(0, expiresAt - Date.now());
    entry.expiry = setTimeout(() => (delay > MAX_TIMER_MS ? this.armExpiry(entry) : this.end(entry, 'token_expired')), Math.min(delay, MAX_TIMER_MS));
    entry.expiry.unref();
  }

  /** Lets the connection go and tells it to end. */
  private end(entry: Entry, reason: EndReason): void {
    if (this.release(entry, reason)) entry.subscriber.end(reason);
  }

  private release(entry: Entry, reason: EndReason): boolean {
    const set = this.subscribers.get(entry.principal.userId);
    if (!set?.delete(entry)) return false;
    if (set.size === 0) this.subscribers.delete(entry.principal.userId);
    clearTimeout(entry.expiry);
    this.total--;
    this.onEnded(reason);
    return true;
  }
}
