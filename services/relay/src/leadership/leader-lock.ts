/**
 * One active relay at a time. Each relay opens its own PostgreSQL connection (not from a
 * pool, since a session-level advisory lock belongs to the session) and takes
 * `pg_try_advisory_lock` on its relay name. The holder is the leader and publishes; the
 * others are standbys and try again every `retryMs`. The lock dies with its session: when
 * the leader's process dies or its connection breaks, PostgreSQL releases the lock and a
 * standby takes it within about `retryMs`.
 *
 * The leader watches its own session (connection errors, plus a heartbeat query so that a
 * silent network loss is noticed too) and aborts its term the moment the session is in
 * doubt: publishing stops at once and the relay goes back to competing for the lock.
 *
 * The split-brain window: PostgreSQL may release a lock (backend gone) shortly before the
 * old leader notices, at worst one heartbeat plus the query timeout. In that window two
 * relays can publish. Both publish in global order from a checkpoint, so consumers see at
 * most duplicates and rewinds, never a gap, and they apply each stream's revisions once by
 * remembering the last revision applied per stream. The checkpoint itself is fenced: it is
 * written on the lock's own session, so a relay that lost its lock cannot write it.
 */
import { backoffDelay, sleep, type Logger } from '@dreamcatcher/service-kit';
import pg from 'pg';

export type LeaderState = 'connecting' | 'standby' | 'leader' | 'stopped';

/** A leadership term: the lock's session and a signal that aborts when the term ends. */
export interface LeaderTerm {
  client: pg.Client;
  signal: AbortSignal;
}

export interface LeadershipOptions {
  databaseUrl: string;
  /** Lock name: relays with the same name exclude each other. */
  name: string;
  logger: Logger;
  signal: AbortSignal;
  /** How often a standby tries the lock (default 1000 ms). */
  retryMs?: number;
  /** How often the leader checks its session (default 1000 ms). */
  heartbeatMs?: number;
  onState: (state: LeaderState) => void;
  /** Runs for the whole term; must return soon after `term.signal` aborts. */
  lead: (term: LeaderTerm) => Promise<void>;
}

export function lockKey(name: string): string {
  return `dreamcatcher.relay.${name}`;
}

const TRY_LOCK = 'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS acquired';

/** Competes for leadership until `signal` aborts; resolves after the last term has ended. */
export async function runForLeadership(options: LeadershipOptions): Promise<void> {
  const { logger, signal } = options;
  const retryMs = options.retryMs ?? 1_000;
  let failures = 0;
  while (!signal.aborted) {
    options.onState('connecting');
    const session = new AbortController();
    const client = new pg.Client({
      connectionString: options.databaseUrl,
      application_name: `dreamcatcher-relay-lock:${options.name}`,
      keepAlive: true,
      query_timeout: Math.max(2_000, 2 * (options.heartbeatMs ?? 1_000)),
    });
    client.on('error', (error) => session.abort(error));
    client.on('end', () => session.abort(new Error('lock connection ended')));
    const active = AbortSignal.any([signal, session.signal]);
    try {
      await client.connect();
      failures = 0;
      options.onState('standby');
      while (!active.aborted && !(await tryLock(client, options.name))) await sleep(retryMs, active);
      if (!active.aborted) await holdTerm(client, session, active, options);
    } catch (error) {
      if (!signal.aborted) logger.warn('relay lock session failed', { error: (error as Error).message });
    } finally {
      // Ending the session releases the lock (when held) for a standby.
      await client.end().catch(() => undefined);
    }
    if (!signal.aborted) {
      options.onState('connecting');
      await sleep(backoffDelay(failures++, 100, retryMs), signal);
    }
  }
  options.onState('stopped');
}

async function holdTerm(client: pg.Client, session: AbortController, active: AbortSignal, options: LeadershipOptions): Promise<void> {
  options.onState('leader');
  options.logger.info('took the relay lock; publishing', { name: options.name });
  const heartbeat = watchSession(client, options.heartbeatMs ?? 1_000, session);
  try {
    await options.lead({ client, signal: active });
  } finally {
    clearInterval(heartbeat);
  }
  if (!options.signal.aborted) {
    options.logger.warn('relay lock lost; stopped publishing', { reason: (session.signal.reason as Error | undefined)?.message });
  }
}

async function tryLock(client: pg.Client, name: string): Promise<boolean> {
  const { rows } = await client.query<{ acquired: boolean }>(TRY_LOCK, [lockKey(name)]);
  return rows[0]?.acquired === true;
}

/** A query every `intervalMs`; a failure or timeout ends the session (and so the term). */
function watchSession(client: pg.Client, intervalMs: number, session: AbortController): NodeJS.Timeout {
  let busy = false;
  const timer = setInterval(() => {
    if (busy || session.signal.aborted) return;
    busy = true;
    client
      .query('SELECT 1')
      .catch((error: Error) => session.abort(error))
      .finally(() => (busy = false));
  }, intervalMs);
  timer.unref();
  return timer;
}
