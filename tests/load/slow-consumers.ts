/**
 * Live consumers that never read, as an attacker holds them: SSE streams and WebSockets
 * opened and then left unread (the socket paused), reopened a second after the gateway drops
 * them. While they are held, every change of their users' dreams is pushed to connections
 * nobody reads; the gateway must drop them rather than buffer without bound.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export interface SlowConsumers {
  /** Connections the gateway accepted (200 or 101), refused (429 or any other answer) and dropped after accepting. */
  readonly counts: { accepted: number; refused: number; dropped: number };
  /** Connections open now. */
  readonly open: number;
  close(): void;
}

function request(path: string, token: string, websocket: boolean): string {
  const upgrade = websocket ? `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` : 'Accept: text/event-stream\r\n';
  return `GET ${path} HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer ${token}\r\n${upgrade}\r\n`;
}

/** Opens `perUser` never-read live connections for each token, half SSE and half WebSocket. */
export function holdSlowConsumers(gatewayUrl: string, tokens: readonly string[], perUser: number): SlowConsumers {
  const { hostname, port } = new URL(gatewayUrl);
  const counts = { accepted: 0, refused: 0, dropped: 0 };
  const sockets = new Set<Socket>();
  let stopped = false;
  const open = (token: string, websocket: boolean) => {
    const socket = connect(Number(port), hostname);
    sockets.add(socket);
    let accepted = false;
    socket.on('error', () => undefined);
    socket.once('data', (chunk) => {
      accepted = /^HTTP\/1\.1 (200|101)/.test(String(chunk));
      if (accepted) counts.accepted++;
      else counts.refused++;
      // From here on nothing is read: what the gateway sends piles up in the kernel and then in the gateway.
      socket.pause();
    });
    socket.once('close', () => {
      sockets.delete(socket);
      if (accepted) counts.dropped++;
      if (!stopped) setTimeout(() => !stopped && open(token, websocket), 1_000).unref();
    });
    socket.write(request(websocket ? '/ws' : '/api/v1/live', token, websocket));
  };
  for (const token of tokens) for (let i = 0; i < perUser; i++) open(token, i % 2 === 1);
  return {
    counts,
    get open() {
      return sockets.size;
    },
    close() {
      stopped = true;
      for (const socket of sockets) socket.destroy();
    },
  };
}
