/** Small clients for the live endpoints, for specs: an SSE reader and a WebSocket that queues messages. */
import WebSocket from 'ws';

export interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

export interface SseClient {
  status: number;
  headers: Headers;
  /** Resolves with the next frame matching `predicate`, or rejects after `timeoutMs`. */
  next(predicate?: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Every frame received so far. */
  received: SseEvent[];
  close(): void;
}

function parseFrame(frame: string): SseEvent {
  const event: SseEvent = {};
  for (const line of frame.split('\n')) {
    if (line.startsWith(':')) event.comment = line.slice(1).trim();
    const match = /^(id|event|data): ?(.*)$/.exec(line);
    if (match) event[match[1] as 'id' | 'event' | 'data'] = match[2];
  }
  return event;
}

/** Waits for items pushed into a list, by predicate. */
function waiter<T>(received: T[]) {
  const waiting = new Set<() => void>();
  return {
    push(item: T) {
      received.push(item);
      for (const wake of waiting) wake();
    },
    next(predicate: (item: T) => boolean = () => true, timeoutMs = 5_000, from = { index: 0 }): Promise<T> {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (; from.index < received.length; from.index++) {
            const item = received[from.index]!;
            if (predicate(item)) {
              from.index++;
              cleanup();
              resolve(item);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`nothing matching arrived within ${timeoutMs} ms; got ${JSON.stringify(received).slice(0, 500)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiting.delete(check);
        };
        waiting.add(check);
        check();
      });
    },
  };
}

export async function openSse(url: string, headers: Record<string, string>): Promise<SseClient> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const received: SseEvent[] = [];
  const queue = waiter(received);
  const cursor = { index: 0 };
  if (res.ok && res.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            queue.push(parseFrame(buffer.slice(0, end)));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        // aborted
      }
    })();
  }
  return {
    status: res.status,
    headers: res.headers,
    received,
    next: (predicate, timeoutMs) => queue.next(predicate, timeoutMs, cursor),
    close: () => abort.abort(),
  };
}

export interface WsClient {
  socket: WebSocket;
  next(predicate?: (message: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  received: Record<string, unknown>[];
  close(): void;
}

/** Opens a WebSocket; rejects with the HTTP status when the upgrade is refused. */
export function openWs(url: string, options: { headers?: Record<string, string>; protocols?: string[] } = {}): Promise<WsClient> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options.protocols ?? [], { headers: options.headers ?? {} });
    const received: Record<string, unknown>[] = [];
    const queue = waiter(received);
    const cursor = { index: 0 };
    socket.on('message', (data) => queue.push(JSON.parse(String(data)) as Record<string, unknown>));
    socket.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode })));
    socket.once('error', reject);
    socket.once('open', () =>
      resolve({ socket, received, next: (predicate, timeoutMs) => queue.next(predicate, timeoutMs, cursor), close: () => socket.close() }),
    );
  });
}
