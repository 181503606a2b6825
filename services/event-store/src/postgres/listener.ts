/**
 * LISTEN on a dedicated connection that comes back by itself. Notifications only wake a
 * subscriber early; missing some (while reconnecting) costs latency, never events, since
 * the subscriber also polls and always reads from its own last delivered position.
 */
import pg from 'pg';
import { backoffDelay, sleep, type Logger } from '@dreamcatcher/service-kit';

export interface ListenOptions {
  /** A new, unconnected client for each connection attempt. */
  connect: () => pg.Client;
  channel: string;
  /** Called on every notification, and after each (re)connection since some may have been missed. */
  onNotify: () => void;
  signal: AbortSignal;
  logger?: Logger | undefined;
}

/** Listens until the signal aborts, reconnecting with backoff whenever the connection drops. */
export async function listen(options: ListenOptions): Promise<void> {
  const { signal, logger } = options;
  for (let attempt = 0; !signal.aborted; ) {
    const client = options.connect();
    let stopWaiting = (): void => undefined;
    // Settles when the connection fails or ends, or the subscription stops.
    const stopped = new Promise<Error | undefined>((resolve) => {
      stopWaiting = () => resolve(undefined);
      client.on('error', resolve);
      client.on('end', () => resolve(new Error('connection ended')));
      signal.addEventListener('abort', stopWaiting, { once: true });
    });
    try {
      await client.connect();
      client.on('notification', () => options.onNotify());
      await client.query(`LISTEN ${pg.escapeIdentifier(options.channel)}`);
      attempt = 0;
      options.onNotify();
      const error = await stopped;
      if (!signal.aborted) logger?.warn('event store LISTEN connection lost, reconnecting', { error: error?.message });
    } catch (error) {
      if (!signal.aborted) logger?.warn('event store LISTEN connection failed, retrying', { error: (error as Error).message });
    } finally {
      signal.removeEventListener('abort', stopWaiting);
      await client.end().catch(() => undefined);
    }
    if (!signal.aborted) await sleep(backoffDelay(attempt++, 100, 5_000), signal);
  }
}
