/**
 * `/ws`: the extension's sync-manager channel. The caller is authenticated during the
 * upgrade — `?token=` (or `?access_token=`), the Authorization header, or the
 * subprotocols `bearer, <jwt>` / `apikey, <key>` (browsers cannot set headers on a
 * WebSocket) — and a refused caller gets a plain HTTP 401 instead of a socket. Messages
 * are `{ type, ..., position }` for the caller's own dreams only; `?since=<position>`
 * replays what was missed. Pings find dead peers.
 *
 * `/ws/dreamcatcher/<apiKey>` is the path older extension builds open: the API key is the
 * last path segment. It authenticates as that key only, and the path is never written to a
 * log, trace or metric label (the access log and metrics name routes by template; tracing
 * skips such requests). New clients use `/ws` with a header, a subprotocol or `?token=`.
 */
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '@dreamcatcher/service-kit';
import { AppError } from '@dreamcatcher/service-kit/errors';
import type { Authenticator } from '../auth/middleware.js';
import type { Principal } from '../auth/roles.js';
import { originAllowed } from '../http/security.js';
import type { EndReason, LiveHub } from './hub.js';
import { legacyTranslator, type LoadDream } from './legacy.js';
import type { LiveEvent } from './messages.js';
import { resumePosition, type Replay } from './sse.js';

export const WS_PATHS = ['/ws', '/api/v1/ws'];
/** The older extension's path, with its API key as the last segment. */
const KEY_IN_PATH = /^\/(?:api\/v1\/)?ws\/dreamcatcher\/([^/]+)$/;

/** The API key of a `/ws/dreamcatcher/<apiKey>` path, or undefined for any other path. */
export function pathApiKey(pathname: string): string | undefined {
  const segment = KEY_IN_PATH.exec(pathname)?.[1];
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}
const CREDENTIAL_PROTOCOLS: Record<string, string> = { bearer: 'Bearer', apikey: 'ApiKey' };

export interface WebSocketOptions {
  authenticator: Authenticator;
  hub: LiveHub;
  replay: Replay;
  heartbeatMs: number;
  /** Bytes a connection may have waiting to be sent before it is dropped. */
  maxBufferedBytes: number;
  corsOrigins: readonly string[];
  logger: Logger;
  /** Rate limiting of upgrades by address (credentials are checked after it, so guessing them costs too). */
  admit: (address: string) => { allowed: boolean; retryAfterSeconds: number };
  /** Reads a dream for the older extension's messages, which carry its summary. */
  loadDream: LoadDream;
}

/** The credential of an upgrade request, as an Authorization header value. */
export function upgradeCredential(req: IncomingMessage, url: URL): string | undefined {
  const token = url.searchParams.get('token') ?? url.searchParams.get('access_token');
  if (token) return `Bearer ${token}`;
  if (req.headers.authorization) return req.headers.authorization;
  const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  const index = protocols.findIndex((p) => p.toLowerCase() in CREDENTIAL_PROTOCOLS);
  const value = index >= 0 ? protocols[index + 1] : undefined;
  return value ? `${CREDENTIAL_PROTOCOLS[protocols[index]!.toLowerCase()]} ${value}` : undefined;
}

function refuse(socket: Duplex, status: number, message: string, headers: Record<string, string> = {}): void {
  const code = { 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 429: 'rate_limited', 500: 'internal' }[status] ?? 'bad_request';
  const body = JSON.stringify({ error: { code, message } });
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n${extra}` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

const CLOSE: Record<EndReason | 'per_user_limit' | 'total_limit', [number, string]> = {
  closed: [1000, 'closed'],
  shutdown: [1001, 'server shutting down'],
  slow_consumer: [1013, 'too slow: too many messages waiting to be sent'],
  token_expired: [1008, 'token expired'],
  key_revoked: [1008, 'API key revoked'],
  per_user_limit: [1013, 'too many live connections for this user'],
  total_limit: [1013, 'too many live connections'],
};

/**
 * Closes with the code and reason for `why`. A peer that does not read would hold the
 * closing handshake (and what waits before it) for ws's 30 s close timeout: cut it after a second.
 */
function hangUp(socket: WebSocket, why: keyof typeof CLOSE): void {
  const [code, reason] = CLOSE[why];
  socket.close(code, reason);
  setTimeout(() => socket.readyState !== socket.CLOSED && socket.terminate(), 1_000).unref();
}

export interface LiveSocketServer {
  attach(server: Server): void;
  close(): Promise<void>;
}

export function createWebSocketServer(options: WebSocketOptions): LiveSocketServer {
  const { authenticator, hub, replay, logger } = options;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    // Echo the credential scheme as the chosen subprotocol, never the credential itself.
    handleProtocols: (protocols) => [...protocols].find((p) => p.toLowerCase() in CREDENTIAL_PROTOCOLS) ?? [...protocols][0] ?? false,
  });
  const alive = new WeakMap<WebSocket, boolean>();
  const heartbeat = setInterval(() => {
    for (const client of wss.clients) {
      if (alive.get(client) === false) {
        client.terminate();
        continue;
      }
      alive.set(client, false);
      client.ping();
    }
  }, options.heartbeatMs);
  heartbeat.unref();

  async function connected(socket: WebSocket, principal: Principal, since: bigint | undefined, legacy: boolean): Promise<void> {
    alive.set(socket, true);
    socket.on('pong', () => alive.set(socket, true));
    let buffered: LiveEvent[] | undefined = [];
    const admission = hub.subscribe(principal, {
      deliver: (event) => (buffered ? buffered.push(event) : send(event)),
      end: (reason) => hangUp(socket, reason),
    });
    if (!admission.admitted) return hangUp(socket, admission.limit === 'per_user' ? 'per_user_limit' : 'total_limit');
    // A client that does not read lets messages pile up in memory: past the bound it is dropped.
    const write = (payload: object) => {
      if (socket.readyState !== socket.OPEN) return;
      socket.send(JSON.stringify(payload));
      if (socket.bufferedAmount > options.maxBufferedBytes) {
        admission.leave('slow_consumer');
        hangUp(socket, 'slow_consumer');
      }
    };
    // The older extension's shapes need a read per message; one queue keeps them in order.
    const translate = legacy ? legacyTranslator(principal.userId, options.loadDream) : undefined;
    let queue = Promise.resolve();
    const send = (event: LiveEvent) => {
      if (!translate) return write(event.position === undefined ? event.message : { ...event.message, position: event.position });
      queue = queue
        .then(() => (socket.readyState === socket.OPEN ? translate(event) : undefined))
        .then((message) => message && write(message))
        .catch((error: Error) => logger.warn('live message could not be read', { error: error.message }));
    };
    socket.on('close', () => admission.leave('closed'));
    socket.on('message', (data) => {
      try {
        if ((JSON.parse(String(data)) as { type?: unknown }).type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
      } catch {
        // Anything else from the client is ignored: the channel only carries updates out.
      }
    });
    try {
      const missed = since === undefined ? [] : await replay(principal.userId, since);
      if (missed === 'reload') socket.send(JSON.stringify({ type: 'reload' }));
      else missed.forEach(send);
    } catch (error) {
      logger.warn('live replay failed', { error: (error as Error).message });
    } finally {
      const pending = buffered ?? [];
      buffered = undefined;
      pending.forEach(send);
    }
  }

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gateway.invalid');
    const keyInPath = pathApiKey(url.pathname);
    if (!WS_PATHS.includes(url.pathname) && keyInPath === undefined) return refuse(socket, 404, 'No WebSocket here');
    const admitted = options.admit(req.socket.remoteAddress ?? 'unknown');
    if (!admitted.allowed) return refuse(socket, 429, 'Too many requests', { 'Retry-After': String(admitted.retryAfterSeconds) });
    const origin = req.headers.origin;
    if (origin && options.corsOrigins.length && !originAllowed(origin, options.corsOrigins)) return refuse(socket, 403, 'Origin not allowed');
    let principal: Principal | undefined;
    let since: bigint | undefined;
    try {
      // A key in the path is the whole credential: nothing else may stand in for it.
      const credential = keyInPath === undefined ? upgradeCredential(req, url) : `ApiKey ${keyInPath || '-'}`;
      principal = await authenticator.authenticate(credential);
      since = resumePosition(url.searchParams.get('since') ?? undefined, 'since');
    } catch (error) {
      if (error instanceof AppError) return refuse(socket, error.status, error.message);
      throw error;
    }
    if (!principal) return refuse(socket, 401, 'Authentication required');
    const who = principal;
    wss.handleUpgrade(req, socket, head, (ws) => void connected(ws, who, since, keyInPath !== undefined));
  }

  return {
    attach(server) {
      server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        socket.on('error', () => undefined);
        upgrade(req, socket, head).catch((error: Error) => {
          logger.error('WebSocket upgrade failed', { error: error.message });
          refuse(socket, 500, 'Internal error');
        });
      });
    },
    async close() {
      clearInterval(heartbeat);
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
