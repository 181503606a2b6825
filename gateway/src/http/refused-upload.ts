/**
 * Answering a request whose body is refused (413) while the client is still sending it.
 *
 * Closing the connection at once would reset it under a client that is still writing: the
 * client sees `EPIPE` / `connection reset` and never reads the answer. So the answer is
 * written in full at once (its Content-Length tells the client it is complete), and the
 * connection is closed only once the client has finished sending, the rest of the body read
 * and discarded. Both are bounded: a client that keeps sending past `maxBytes`, or for longer
 * than `maxMs`, is cut off; a body declared larger than `maxBytes` is not waited for at all.
 */
import type { Request, Response } from 'express';

export interface DrainLimits {
  /** Most bytes of a refused body read and discarded before the connection is cut. */
  maxBytes: number;
  /** Longest wait for the client to finish sending. */
  maxMs: number;
}

export const DEFAULT_DRAIN_LIMITS: DrainLimits = { maxBytes: 64 * 1024 * 1024, maxMs: 10_000 };

/** Writes `body` with `status` and ends the response once the request is drained (see above). */
export function answerRefusedUpload(req: Request, res: Response, status: number, body: unknown, limits: DrainLimits = DEFAULT_DRAIN_LIMITS): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(payload), Connection: 'close' });
  res.write(payload);
  if (req.complete || Number(req.headers['content-length']) > limits.maxBytes) {
    res.end();
    return;
  }
  let received = 0;
  const finish = () => {
    clearTimeout(timer);
    req.removeListener('data', count);
    if (!res.writableEnded) res.end();
  };
  const cutOff = () => {
    finish();
    req.socket.destroy();
  };
  const count = (chunk: Buffer) => {
    received += chunk.length;
    if (received > limits.maxBytes) cutOff();
  };
  const timer = setTimeout(cutOff, limits.maxMs);
  req.on('data', count);
  req.once('end', finish);
  req.once('close', finish);
  req.resume();
}
