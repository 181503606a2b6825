/**
 * One dedicated PostgreSQL connection LISTENing on the channels the gateway follows
 * (projection checkpoints, dream changes), shared by every waiter and live connection.
 * It reconnects by itself with backoff; after every (re)connection `onConnected` handlers
 * run, since notifications sent while it was away are lost and state must be re-read.
 */
import pg from 'pg';
import { backoffDelay, sleep, type Logger } from '@dreamcatcher/service-kit';

export type NotificationHandler = (payload: string) => void;

export interface NotificationListener {
  /** Subscribes to a channel's payloads; returns the unsubscribe function. */
  on(channel: string, handler: NotificationHandler): () => void;
  /** Runs after each successful (re)connection. */
  onConnected(handler: () => void): () => void;
  readonly connected: boolean;
  /** Resolves once connected the first time (or when closed). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export interface ListenerOptions {
  /** A new, unconnected client per attempt. */
  connect: () => pg.Client;
  channels: readonly string[];
  logger?: Logger | undefined;
}

export function startNotificationListener({ connect, channels, logger }: ListenerOptions): NotificationListener {
  const handlers = new Map<string, Set<NotificationHandler>>(channels.map((channel) => [channel, new Set()]));
  const connectedHandlers = new Set<() => void>();
  const stop = new AbortController();
  let connected = false;
  let markReady: () => void = () => undefined;
  const firstConnection = new Promise<void>((resolve) => (markReady = resolve));
  stop.signal.addEventListener('abort', () => markReady(), { once: true });

  const dispatch = (message: pg.Notification) => {
    for (const handler of handlers.get(message.channel) ?? []) {
      try {
        handler(message.payload ?? '');
      } catch (error) {
        logger?.warn('notification handler failed', { channel: message.channel, error: (error as Error).message });
      }
    }
  };

  const loop = (async () => {
    for (let attempt = 0; !stop.signal.aborted; ) {
      const client = connect();
      let release = (): void => undefined;
      const lost = new Promise<Error | undefined>((resolve) => {
        release = () => resolve(undefined);
        client.on('error', resolve);
        client.on('end', () => resolve(new Error('connection ended')));
        stop.signal.addEventListener('abort', release, { once: true });
      });
      try {
        await client.connect();
        client.on('notification', dispatch);
        for (const channel of channels) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        connected = true;
        attempt = 0;
        markReady();
        for (const handler of connectedHandlers) handler();
        const error = await lost;
        if (!stop.signal.aborted) logger?.warn('LISTEN connection lost, reconnecting', { error: error?.message });
      } catch (error) {
        if (!stop.signal.aborted) logger?.warn('LISTEN connection failed, retrying', { error: (error as Error).message });
      } finally {
        connected = false;
        stop.signal.removeEventListener('abort', release);
        await client.end().catch(() => undefined);
      }
      if (!stop.signal.aborted) await sleep(backoffDelay(attempt++, 100, 5_000), stop.signal);
    }
  })();

  return {
    on(channel, handler) {
      const set = handlers.get(channel);
      if (!set) throw new Error(`not listening on ${channel}`);
      set.add(handler);
      return () => set.delete(handler);
    },
    onConnected(handler) {
      connectedHandlers.add(handler);
      return () => connectedHandlers.delete(handler);
    },
    get connected() {
      return connected;
    },
    ready: () => firstConnection,
    async close() {
      stop.abort();
      await loop;
    },
  };
}
