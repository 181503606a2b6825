/**
 * Full garbage collections on demand in the system's processes, through the V8 inspector
 * each one is started with (`--inspect=127.0.0.1:0`: a port of its own, on loopback only).
 * Memory read right after a collection holds what the process keeps, without the garbage
 * of the moment: a gateway's heap in use saws between 40 and 70 MB over minutes, so that
 * without it a ten-minute hold cannot tell a leak from where the saw happens to be.
 */
import WebSocket from 'ws';

/** The inspector's port, from the line Node writes to stderr when it starts listening. */
export function inspectorPort(lines: readonly string[]): number | undefined {
  for (const line of lines) {
    const match = /Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(line);
    if (match) return Number(match[1]);
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

  /** Connects to the inspector listening on `port` (its address is asked of the inspector itself). */
  static async connect(port: number): Promise<GarbageCollector> {
    const [target] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
    if (!target) throw new Error(`the inspector on port ${port} lists no target`);
    const socket = new WebSocket(target.webSocketDebuggerUrl);
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
