/**
 * What the gateway knows of each projection's checkpoint, kept current by the
 * `projection_checkpoints` notifications, and the queries waiting for one to pass a
 * position. Waiters are woken by notifications, never by polling; each has a deadline.
 */
export type Checkpoints = Map<string, bigint>;

export interface WaitResult {
  reached: boolean;
  /** The lowest checkpoint among the projections waited for (what the answer reflects). */
  position: bigint;
}

interface Waiter {
  projections: readonly string[];
  position: bigint;
  done: (reached: boolean) => void;
}

/** `<projection>:<position>` -> its parts; undefined for anything else. */
export function parseCheckpointPayload(payload: string): { projection: string; position: bigint } | undefined {
  const match = /^([a-z0-9_]+):(\d{1,20})$/.exec(payload.trim());
  return match ? { projection: match[1]!, position: BigInt(match[2]!) } : undefined;
}

export class CheckpointWatch {
  private readonly known: Checkpoints = new Map();
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly readCheckpoints: () => Promise<Checkpoints>) {}

  /** The lowest known checkpoint among `projections` (0 when one is unknown). */
  lowest(projections: readonly string[]): bigint {
    let lowest: bigint | undefined;
    for (const projection of projections) {
      const position = this.known.get(projection) ?? 0n;
      if (lowest === undefined || position < lowest) lowest = position;
    }
    return lowest ?? 0n;
  }

  /** Records a checkpoint (they only move forward) and wakes the waiters it satisfies. */
  advance(projection: string, position: bigint): void {
    if (position <= (this.known.get(projection) ?? -1n)) return;
    this.known.set(projection, position);
    for (const waiter of this.waiters) {
      if (waiter.projections.includes(projection) && this.lowest(waiter.projections) >= waiter.position) waiter.done(true);
    }
  }

  onNotification(payload: string): void {
    const parsed = parseCheckpointPayload(payload);
    if (parsed) this.advance(parsed.projection, parsed.position);
  }

  /** Re-reads every checkpoint from the database (at start and after the listener reconnects). */
  async refresh(): Promise<void> {
    for (const [projection, position] of await this.readCheckpoints()) this.advance(projection, position);
  }

  /**
   * Resolves once every projection in `projections` has applied `position`, or after
   * `timeoutMs` with `reached: false`. Reads the checkpoints once first, in case a
   * notification was missed.
   */
  async waitFor(projections: readonly string[], position: bigint, timeoutMs: number): Promise<WaitResult> {
    if (this.lowest(projections) >= position) return { reached: true, position: this.lowest(projections) };
    await this.refresh();
    if (this.lowest(projections) >= position || timeoutMs <= 0) return this.result(projections, position);
    await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => waiter.done(false), timeoutMs);
      const waiter: Waiter = {
        projections,
        position,
        done: (ok) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(ok);
        },
      };
      this.waiters.add(waiter);
    });
    return this.result(projections, position);
  }

  get waiting(): number {
    return this.waiters.size;
  }

  /** Ends every wait now, as a timeout would (shutdown). */
  releaseAll(): void {
    for (const waiter of this.waiters) waiter.done(false);
  }

  private result(projections: readonly string[], position: bigint): WaitResult {
    const lowest = this.lowest(projections);
    return { reached: lowest >= position, position: lowest };
  }
}
