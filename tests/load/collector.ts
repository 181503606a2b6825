/**
 * Full garbage collections on demand in the system's processes, through the V8 inspector
 * each one is started with (`--inspect=127.0.0.1:0`: a port of its own, on loopback only).
 * Memory read right after a collection holds what the process keeps, without the garbage
 * of the moment: a gateway's heap in use saws between 40 and 70 MB over minutes, so that
 * without it a ten-minute hold cannot tell a leak from where the saw happens to be.
 */
import WebSocket from 'ws';

/** The inspector's address, from the line Node writes to stderr when it starts listening. */
export function inspectorUrl(lines: readonly string[]): string | undefined {
  for (const line of lines) {
    const match = /Debugger listening on (ws:\/\/\S+)/.exec(line);
    if (match) return match[1];
  }
  return undefined;
}

export class GarbageCollector {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const reply = JSON.parse(data.toString()) as { id?: number; error?: { message: string } };
      const waiter = reply.id === undefined ? undefined : this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id!);
      if (reply.error) waiter.reject(new Error(reply.error.message));
      else waiter.resolve();
    });
    socket.on('close', () => {
      for (const waiter of this.pending.values()) waiter.reject(new Error('the inspector closed'));
      this.pending.clear();
    });
  }

  static async connect(url: string): Promise<GarbageCollector> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new GarbageCollector(socket);
  }

  /** A full collection in the process (`HeapProfiler.collectGarbage`), awaited. */
  collect(timeoutMs = 10_000): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer to a garbage collection within ${timeoutMs} ms`));
      }, timeoutMs);
      const settle = (done: () => void) => () => (clearTimeout(timer), done());
      this.pending.set(id, { resolve: settle(resolve), reject: (error) => settle(() => reject(error))() });
      this.socket.send(JSON.stringify({ id, method: 'HeapProfiler.collectGarbage' }));
    });
  }

  close(): void {
    this.socket.close();
  }
}
