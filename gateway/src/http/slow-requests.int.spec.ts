import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import { closeServer, listeningPort } from '@dreamcatcher/service-kit';
import { requestLimits } from '../server.js';

/** Writes `parts` to a raw connection, one every `gapMs`, and resolves with what came back and when the connection ended. */
function trickle(port: number, parts: string[], gapMs: number): Promise<{ answer: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    const next = (index: number) => {
      if (index >= parts.length || socket.destroyed) return;
      socket.write(parts[index]!);
      timer = setTimeout(() => next(index + 1), gapMs);
    };
    socket.on('connect', () => next(0));
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ answer, ms: Date.now() - started });
    });
  });
}

describe('gateway: clients that send their request slowly', function () {
  this.timeout(20_000);
  let server: Server;
  let port: number;

  before(async () => {
    const app = express();
    app.use(express.json());
    app.post('/echo', (req, res) => void res.json(req.body));
    // An answer that takes longer than the request deadline, as SSE does: not the client's delay, so not cut.
    app.get('/slow-answer', (_req, res) => void setTimeout(() => res.json({ done: true }), 1_500));
    // The body parser reports the cut-off request as aborted; nothing to answer by then.
    app.use(((_error, _req, res, _next) => void res.status(400).end()) as express.ErrorRequestHandler);
    server = createServer(requestLimits(500), app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = listeningPort(server);
  });

  after(() => closeServer(server));

  it('answers a body trickled in past the deadline with 408 and closes the connection', async () => {
    const head = 'POST /echo HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n';
    const { answer, ms } = await trickle(port, [head, '{"title":', '"slow', ' as', ' a', ' glacier'], 400);
    expect(answer).to.match(/^HTTP\/1\.1 408/);
    expect(ms).to.be.below(3_000);
  });

  it('closes a connection whose head never ends', async () => {
    const { answer, ms } = await trickle(port, ['GET /slow-answer HTTP/1.1\r\n', 'Host: gateway\r\n', 'X-A: 1\r\n', 'X-B: 2\r\n', 'X-C: 3\r\n'], 300);
    expect(answer).to.not.match(/200 OK/);
    expect(ms).to.be.below(3_000);
  });

  it('does not cut a request sent in time, however long its answer takes', async () => {
    const body = JSON.stringify({ title: 'quick' });
    const echoed = await fetch(`http://127.0.0.1:${port}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(await echoed.json()).to.deep.equal({ title: 'quick' });
    const slow = await fetch(`http://127.0.0.1:${port}/slow-answer`);
    expect(slow.status).to.equal(200);
    expect(await slow.json()).to.deep.equal({ done: true });
  });
});
