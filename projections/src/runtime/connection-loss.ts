/**
 * pg-pool listens for errors only on idle clients. A client checked out for a transaction
 * (a projector's batch, a gateway read in `withReaderScope`) whose connection dies —
 * `pg_terminate_backend`, a database restart, a cut network — emits 'error' with nobody
 * listening, and Node ends the process. The caller learns of the loss anyway (its next
 * query rejects with a connection error, which the projector retries as an outage, and the
 * pool drops the client on release), so a listener is all that is missing.
 */
import type pg from 'pg';
import type { Logger } from '@dreamcatcher/service-kit';

/** Gives every client `pool` opens a lasting 'error' listener, so losing its connection while checked out cannot crash the process. */
export function surviveConnectionLoss(pool: pg.Pool, logger?: Logger): void {
  pool.on('connect', (client) => {
    client.on('error', (error: Error) => logger?.debug('PostgreSQL connection lost', { error: error.message }));
  });
}
