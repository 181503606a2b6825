import type { Logger } from '@dreamcatcher/service-kit';

/**
 * Writes the checkpoint in batches: `advance` is called for every confirmed event, but at
 * most one write is in flight and the next write carries the newest position, so under
 * load there is one write per batch of confirms instead of one per event.
 */
export class CheckpointWriter {
  private latest: bigint | undefined;
  private written: bigint | undefined;
  private writing: Promise<void> | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly write: (position: bigint) => Promise<void>,
    private readonly options: { logger: Logger; onError: (error: Error) => void },
    initial?: bigint,
  ) {
    this.latest = initial;
    this.written = initial;
  }

  /** The newest position written to the database. */
  get position(): bigint | undefined {
    return this.written;
  }

  advance(position: bigint): void {
    if (this.latest !== undefined && position <= this.latest) return;
    this.latest = position;
    if (this.writing || this.failure) return;
    // Cleared by whoever started it, so that a drain finishing at once cannot leave a stale promise.
    const run = this.drain();
    this.writing = run;
    void run.finally(() => {
      if (this.writing === run) this.writing = undefined;
    });
  }

  /** Resolves once everything advanced so far is written (or the writer has failed). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (!this.failure && this.latest !== undefined && this.latest !== this.written) {
        const target = this.latest;
        await this.write(target);
        this.written = target;
      }
    } catch (error) {
      // The write goes through the lock's connection: failing means the lock is gone too.
      this.failure = error as Error;
      this.options.logger.warn('could not save the relay checkpoint', { error: this.failure.message });
      this.options.onError(this.failure);
    }
  }
}
