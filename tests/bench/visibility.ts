/**
 * When a capture becomes visible in `dream_summary`: the projector writes its checkpoint in
 * the same transaction as the rows and NOTIFYs it on commit, so the first checkpoint at or
 * past the capture's position marks the moment a query would see it. The time from the
 * capture's answer to that notification is its visibility latency (0 when the projection
 * was already there when the answer arrived).
 */
import pg from 'pg';
import { CHECKPOINT_CHANNEL, parseCheckpointNotification, readCheckpoints } from '@dreamcatcher/projections';
import { sleep } from './measure.js';

export interface Visibility {
  /** When the capture was answered (performance.now()). */
  answeredAt: number;
  latencyMs: number;
}

export class VisibilityWatch {
  private checkpoint = -1n;
  private pending: { position: bigint; answeredAt: number }[] = [];
  readonly seen: Visibility[] = [];

  private constructor(
    private readonly client: pg.Client,
    private readonly projection: string,
  ) {}

  static async start(databaseUrl: string, projection = 'dream_summary'): Promise<VisibilityWatch> {
    const client = new pg.Client({ connectionString: databaseUrl, application_name: 'bench-visibility' });
    await client.connect();
    const watch = new VisibilityWatch(client, projection);
    client.on('notification', (message) => {
      const parsed = parseCheckpointNotification(message.payload);
      if (parsed?.projection === projection) watch.advance(parsed.position);
    });
    await client.query(`LISTEN ${pg.escapeIdentifier(CHECKPOINT_CHANNEL)}`);
    const current = (await readCheckpoints(client))[projection];
    if (current !== undefined) watch.advance(current);
    return watch;
  }

  /** A capture answered now with `position`. */
  expect(position: bigint, answeredAt = performance.now()): void {
    if (position <= this.checkpoint) this.seen.push({ answeredAt, latencyMs: 0 });
    else this.pending.push({ position, answeredAt });
  }

  /** Waits until every expected capture is visible; rejects after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.length) {
      if (Date.now() > deadline) throw new Error(`${this.pending.length} captures not visible in ${this.projection} after ${timeoutMs} ms`);
      await sleep(10);
    }
  }

  /** Latencies of the captures answered within [from, to]. */
  latencies(from: number, to: number): number[] {
    return this.seen.filter((entry) => entry.answeredAt >= from && entry.answeredAt <= to).map((entry) => entry.latencyMs);
  }

  reset(): void {
    this.seen.length = 0;
  }

  async close(): Promise<void> {
    await this.client.end();
  }

  private advance(position: bigint): void {
    if (position <= this.checkpoint) return;
    this.checkpoint = position;
    const now = performance.now();
    const waiting: typeof this.pending = [];
    for (const entry of this.pending) {
      if (entry.position <= position) this.seen.push({ answeredAt: entry.answeredAt, latencyMs: now - entry.answeredAt });
      else waiting.push(entry);
    }
    this.pending = waiting;
  }
}
