/**
 * One partition of a projection, as its projector applies it: which streams it owns, the
 * locks and checkpoint of its batches, and the barrier that keeps erasures exact.
 *
 * Streams are independent, so partitions apply their own streams side by side. The one
 * event that crosses streams is `UserDataErased` (stream `user-<id>`): it deletes the user's
 * rows of every dream, whichever partition owns them, and a rebuild applies it after
 * everything before it and before everything after it. So an erasure at position E is a
 * barrier: every other partition first applies everything before E and records E - 1, the
 * partition owning the erasure's stream then applies it, and only once that one's checkpoint
 * has reached E do the others go past it. Batches are cut so that an erasure always starts
 * one (`segments`), and `beforeCommit` does the waiting.
 */
import type pg from 'pg';
import {
  type Channel,
  declareProjectionQueue,
  inTransaction,
  type Logger,
  type ProjectionQueue,
  sleep,
} from '@dreamcatcher/service-kit';
import { isErasure } from '../erasure.js';
import type { ProjectionEvent } from '../events.js';
import { StoppedError } from '../failures.js';
import { advancePartitionCheckpoint, lockPartition, PARTITION_CHECKPOINTS_TABLE, type PartitionId } from './checkpoints.js';
import { partitionOf } from './hash.js';
import { qualified } from '../table.js';

export interface PartitionOptions {
  /** Schema of the read models and checkpoints. */
  schema: string;
  /** How often a barrier re-reads the other partitions' checkpoints (default 50 ms). */
  pollMs?: number;
  logger?: Logger;
}

export class ProjectionPartition implements PartitionId {
  readonly index: number;
  readonly count: number;

  constructor(
    readonly projection: string,
    readonly queue: ProjectionQueue & { partition: PartitionId },
    private readonly options: PartitionOptions,
  ) {
    this.index = queue.partition.index;
    this.count = queue.partition.count;
  }

  /** Whether this partition applies the events of `streamId`. */
  readonly owns = (streamId: string): boolean => partitionOf(streamId, this.count) === this.index;

  declare(channel: Channel): Promise<void> {
    return declareProjectionQueue(channel, this.queue);
  }

  lock(client: pg.ClientBase): Promise<void> {
    return lockPartition(client, this.projection, this);
  }

  /** Records the partition's checkpoint (and the projection's, the lowest of all); returns the partition's. */
  readonly checkpoint = (client: pg.ClientBase, position: bigint, notify: boolean): Promise<bigint> =>
    advancePartitionCheckpoint(client, this.options.schema, this.projection, this, position, { notify });

  /** `items` cut so that every erasure starts a segment of its own. */
  segments<T extends { event: ProjectionEvent }>(items: T[]): T[][] {
    const segments: T[][] = [];
    for (const item of items) {
      const last = segments.at(-1);
      if (!last || isErasure(item.event)) segments.push([item]);
      else last.push(item);
    }
    return segments;
  }

  /** Waits at an erasure's barrier when `events` (a segment) starts with one; see the module comment. */
  async beforeCommit(pool: pg.Pool, events: ProjectionEvent[], signal: AbortSignal): Promise<void> {
    const first = events[0];
    if (!first || !isErasure(first)) return;
    const at = first.position;
    if (this.owns(first.streamId)) {
      await this.until(pool, signal, `every other partition applied everything before the erasure at ${at}`, (positions) =>
        Array.from({ length: this.count }, (_, index) => index).every((index) => index === this.index || (positions.get(index) ?? -1n) >= at - 1n),
      );
      return;
    }
    await inTransaction(pool, async (client) => {
      await this.lock(client);
      await this.checkpoint(client, at - 1n, true);
    });
    const owner = partitionOf(first.streamId, this.count);
    await this.until(pool, signal, `partition ${owner} applied the erasure at ${at}`, (positions) => (positions.get(owner) ?? -1n) >= at);
  }

  private async until(pool: pg.Pool, signal: AbortSignal, what: string, reached: (positions: Map<number, bigint>) => boolean): Promise<void> {
    const started = Date.now();
    let warned = false;
    for (;;) {
      if (signal.aborted) throw new StoppedError('projector stopping');
      const { rows } = await pool.query<{ partition: number; position: bigint | string }>(
        `SELECT partition, position FROM ${qualified(this.options.schema, PARTITION_CHECKPOINTS_TABLE)} WHERE projection = $1 AND partitions = $2`,
        [this.projection, this.count],
      );
      if (reached(new Map(rows.map((row) => [row.partition, BigInt(row.position)])))) return;
      if (!warned && Date.now() - started > 10_000) {
        warned = true;
        this.options.logger?.warn('partition waiting at an erasure; is every partition consumed?', { projection: this.projection, partition: this.index, waitingFor: what });
      }
      await sleep(this.options.pollMs ?? 50, signal);
    }
  }
}
