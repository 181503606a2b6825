/**
 * Giving a partition back to its own replica. Single active consumer never rebalances: when a
 * replica dies its partition moves to a peer that stood by, and stays there after the replica
 * returns — through a rolling update, one replica would end up with every partition. So each
 * replica holds a PostgreSQL session lock for each partition that is its own while it runs,
 * and a replica that finds itself active on someone else's partition checks that lock every
 * `intervalMs`: when it is held (the partition's own replica is back), it finishes its batch,
 * gives the queue up and queues up again behind the others, so the broker hands the partition
 * to the next consumer in line; repeated by every peer, that ends at the own replica. While
 * nobody holds the lock, the peer keeps the partition. Correctness never depends on where a
 * partition is applied (the partition lock, stream trackers and gap refetch see to that),
 * only on one consumer at a time applying it in queue order, which giving it up keeps (see the
 * projector's `release`); this only spreads the work.
 */
import pg from 'pg';
import type { ChannelModel, Logger } from '@dreamcatcher/service-kit';

export interface PartitionRef {
  projection: string;
  index: number;
  count: number;
}

export function homeLockKey({ projection, index, count }: PartitionRef): string {
  return `dreamcatcher.projection-home.${projection}.p${index}/${count}`;
}

export interface Resubscribable {
  lastDeliveryAt: number;
  resubscribe(connection: ChannelModel): Promise<void>;
}

export interface HandBackOptions {
  /** A session of its own holds the locks of this replica's own partitions. */
  databaseUrl: string;
  /** For the short probes of other replicas' locks. */
  pool: pg.Pool;
  own: PartitionRef[];
  standby: { projector: Resubscribable; partition: PartitionRef }[];
  connection: () => ChannelModel;
  intervalMs: number;
  logger: Logger;
}

export function startHandBack(options: HandBackOptions): { stop(): Promise<void> } {
  const { logger, intervalMs } = options;
  let session: pg.Client | undefined;
  const held = new Set<string>();
  let stopped = false;

  const holdOwn = async () => {
    if (!options.own.length) return;
    if (!session) {
      const client = new pg.Client({ connectionString: options.databaseUrl, application_name: 'projector-partitions' });
      client.on('error', () => {
        if (session === client) session = undefined;
        held.clear();
      });
      await client.connect();
      session = client;
    }
    for (const key of options.own.map(homeLockKey).filter((key) => !held.has(key))) {
      const { rows } = await session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [key]);
      if (rows[0]!.ok) held.add(key);
    }
  };

  /** Whether the partition's own replica is running (holds its lock). */
  const ownReplicaRuns = async (partition: PartitionRef) => {
    const client = await options.pool.connect();
    try {
      const { rows } = await client.query<{ free: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS free', [homeLockKey(partition)]);
      if (rows[0]!.free) await client.query('SELECT pg_advisory_unlock(hashtext($1))', [homeLockKey(partition)]);
      return !rows[0]!.free;
    } finally {
      client.release();
    }
  };

  const tick = async () => {
    await holdOwn();
    for (const { projector, partition } of options.standby) {
      if (stopped || Date.now() - projector.lastDeliveryAt > intervalMs * 2) continue;
      if (!(await ownReplicaRuns(partition))) continue;
      logger.info('giving a partition back to its own replica', { projection: partition.projection, partition: partition.index });
      await projector.resubscribe(options.connection());
    }
  };

  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(tick).catch((error: Error) => logger.warn('partition hand-back check failed; trying again', { error: error.message }));
  }, intervalMs);
  timer.unref();
  running = tick().catch((error: Error) => logger.warn('partition hand-back check failed; trying again', { error: error.message }));

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await session?.end().catch(() => undefined);
    },
  };
}
