/**
 * The capture workload's requests: what one client of the extension sends next, given the
 * dreams it already has. Pure (a seeded random source comes in), so a failing run can be
 * repeated with the same seed. Every command carries its own Idempotency-Key; a sync
 * session carries one per item.
 */

/** One command as the workload tracks it. `item` is its index in a sync session. */
export interface PlannedCommand {
  key: string;
  type: string;
  /** A capture that creates a dream: its dream becomes a target once acknowledged. */
  creates: boolean;
}

/** One HTTP request of the workload: a single command, or a sync session of several. */
export interface PlannedRequest {
  method: 'POST' | 'PUT' | 'PATCH';
  path: string;
  body: Record<string, unknown>;
  /** The Idempotency-Key header (single commands only). */
  key?: string;
  commands: PlannedCommand[];
}

const SOURCES = ['chatgpt', 'claude', 'gemini', 'perplexity'];
const BRANDS = ['personal', 'bc-innovations', 'bc-studio', 'mpgworldwide', 'accordingto'];
const WORDS = ['offline', 'sync', 'streak', 'habit', 'coach', 'ledger', 'vector', 'prompt', 'schema', 'queue', 'replay', 'backoff'];

export class CommandPlanner {
  private sequence = 0;

  constructor(
    private readonly clientId: string,
    private readonly random: () => number,
  ) {}

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private words(count: number): string {
    return Array.from({ length: count }, () => this.pick(WORDS)).join(' ');
  }

  private nextKey(): string {
    this.sequence += 1;
    return `${this.clientId}-${this.sequence}`;
  }

  private fragment(): Record<string, unknown> {
    return {
      title: `About ${this.words(3)}`,
      content: `${this.words(20 + Math.floor(this.random() * 200))}.`,
      source: this.pick(SOURCES),
      url: `https://chat.example.com/c/${this.sequence}`,
      mode: 'all',
    };
  }

  private newDreamCapture(): Record<string, unknown> {
    return { dreamTitle: `Dream ${this.clientId} ${this.sequence}: ${this.words(3)}`, brand: this.pick(BRANDS), tags: [this.pick(WORDS)], fragment: this.fragment() };
  }

  private single(method: PlannedRequest['method'], path: string, type: string, body: Record<string, unknown>, creates = false): PlannedRequest {
    const key = this.nextKey();
    return { method, path, body, key, commands: [{ key, type, creates }] };
  }

  /** The next request, given the dreams this client created and saw acknowledged. */
  next(dreams: readonly string[]): PlannedRequest {
    const roll = this.random();
    if (dreams.length < 3 || roll < 0.15) return this.single('POST', '/conversations/capture', 'CaptureFragment', this.newDreamCapture(), true);
    const dreamId = this.pick(dreams);
    if (roll < 0.55) return this.single('POST', '/conversations/capture', 'CaptureFragment', { dreamId, fragment: this.fragment() });
    if (roll < 0.65) return this.single('POST', `/dreams/${dreamId}/fragments`, 'AddFragment', this.fragment());
    if (roll < 0.75) return this.single('POST', `/dreams/${dreamId}/todos`, 'AddTodo', { title: `Todo ${this.words(2)}`, priority: this.pick(['low', 'medium', 'high', 'urgent']) });
    if (roll < 0.8) return this.single('PUT', `/dreams/${dreamId}/tags`, 'SetDreamTags', { tags: [this.pick(WORDS), `t${this.sequence}`] });
    if (roll < 0.85) return this.single('PATCH', `/dreams/${dreamId}`, 'ChangeDreamDetails', { summary: `Summary ${this.sequence}: ${this.words(8)}` });
    if (roll < 0.88) return this.single('POST', '/dreams', 'CreateDream', { title: `Created ${this.clientId} ${this.sequence}`, brand: this.pick(BRANDS) }, true);
    return this.session(dreams);
  }

  /** A sync session: the extension's offline queue of 2..6 captures, each under its own key. */
  private session(dreams: readonly string[]): PlannedRequest {
    const size = 2 + Math.floor(this.random() * 5);
    const items = Array.from({ length: size }, () => {
      const key = this.nextKey();
      const creates = this.random() < 0.3;
      const data = creates ? this.newDreamCapture() : { dreamId: this.pick(dreams), fragment: this.fragment() };
      return { key, creates, data };
    });
    return {
      method: 'POST',
      path: '/sync-sessions',
      body: { items: items.map(({ key, data }) => ({ idempotencyKey: key, command: { type: 'CaptureFragment', data } })) },
      commands: items.map(({ key, creates }) => ({ key, type: 'CaptureFragment', creates })),
    };
  }
}
