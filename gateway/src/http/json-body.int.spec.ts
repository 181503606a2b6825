import { request, type Server } from 'node:http';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import express from 'express';
import { closeServer, createLogger, listeningPort } from '@dreamcatcher/service-kit';
import { errorHandler } from './errors.js';
import { jsonBody, unstorableText } from './json-body.js';

describe('gateway: request bodies', () => {
  it('finds NUL and unpaired surrogates in values and keys, at any depth, and nothing else', () => {
    expect(unstorableText({ title: 'emoji 🙂, RTL \u202eשלום, ZWJ 👩‍💻, \uffff', tags: ['ok'] })).to.deep.equal([]);
    const found = unstorableText({ a: 'x\u0000y', b: [{ 'c/d': '\ud800' }], ['k\u0000']: 1, e: '\udc00 late', f: '\ud83d\ude00' });
    expect(found.map((violation) => violation.path).sort()).to.deep.equal(['/a', '/b/0/c~1d', '/e', '/k\u0000']);
    let deep: unknown = 'bottom\u0000';
    for (let level = 0; level < 200_000; level++) deep = [deep];
    expect(unstorableText(deep)).to.have.length(1);
  });

  describe('over HTTP', () => {
    let server: Server;
    let url: string;

    before(async () => {
      const logger = createLogger({ service: 'test', stream: new Writable({ write: (_chunk, _e, done) => done() }) });
      const app = express();
      app.use(...jsonBody(64 * 1024));
      app.use((req, res) => void res.json({ body: req.body ?? null }));
      app.use(errorHandler(logger));
      server = await new Promise<Server>((resolve) => {
        const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
      });
      url = `http://127.0.0.1:${listeningPort(server)}`;
    });

    after(() => closeServer(server));

    const send = async (method: string, body: string | Buffer | undefined, contentType?: string) => {
      const res = await fetch(`${url}/x`, { method, ...(body !== undefined && { body }), headers: contentType ? { 'content-type': contentType } : {} });
      return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string; details?: { violations: { path: string }[] } }; body?: unknown } };
    };

    it('passes JSON through, emoji and right-to-left text included', async () => {
      const body = { title: 'Plan 🚀 \u202eتطبيق', nested: { list: ['a', 'b'] } };
      expect(await send('POST', JSON.stringify(body), 'application/json')).to.deep.equal({ status: 200, body: { body } });
      expect((await send('DELETE', undefined)).status).to.equal(200);
    });

    it('refuses NUL and unpaired surrogates with 400, naming where they are', async () => {
      const reply = await send('POST', '{"title":"a\\u0000b","tags":["\\ud800"]}', 'application/json');
      expect(reply.status).to.equal(400);
      expect(reply.body.error!.code).to.equal('validation_failed');
      expect(reply.body.error!.details!.violations.map((violation) => violation.path).sort()).to.deep.equal(['/tags/0', '/title']);
    });

    it('refuses a body declared too large at once, without waiting for it, and closes the connection', async () => {
      const { port } = new URL(url);
      const started = Date.now();
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.write('POST /x HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 10737418240\r\n\r\n{"a":'));
        let text = '';
        socket.on('data', (chunk) => (text += chunk.toString()));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
        setTimeout(() => socket.destroy(), 5_000);
      });
      expect(answer).to.match(/^HTTP\/1\.1 413/).and.match(/payload_too_large/);
      expect(Date.now() - started).to.be.below(2_000);
    });

    // A client uploading over a slower link than loopback: it is still sending, a piece per
    // turn of the event loop, when the answer comes, and reads it only once it has sent all.
    const postLarge = (bytes: number) =>
      new Promise<number>((resolve, reject) => {
        const { port } = new URL(url);
        const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/x', agent: false, headers: { 'content-type': 'application/json', 'content-length': bytes } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        const piece = Buffer.alloc(64 * 1024, 0x20);
        const sendFrom = (sent: number): void => {
          if (sent >= bytes) return void req.end();
          req.write(piece.subarray(0, Math.min(piece.length, bytes - sent)));
          setImmediate(() => sendFrom(sent + piece.length));
        };
        sendFrom(0);
      });

    it('lets a client finish sending a refused body, so that it reads the 413 every time', async () => {
      for (let attempt = 0; attempt < 20; attempt++) {
        expect(await postLarge(2 * 1024 * 1024), `2 MB, attempt ${attempt}`).to.equal(413);
        expect(await postLarge(12 * 1024 * 1024), `12 MB, attempt ${attempt}`).to.equal(413);
      }
    });

    it('refuses bytes that are not UTF-8 with 400 instead of replacing them', async () => {
      const reply = await send('POST', Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]), 'application/json; charset=utf-8');
      expect(reply).to.deep.equal({ status: 400, body: { error: { code: 'validation_failed', message: 'Request body is not valid UTF-8' } } });
    });

    it('refuses a body that is not JSON with 415 rather than ignoring it', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-7', 'application/json; charset=utf-16le', undefined]) {
        const reply = await send('POST', '{"title":"looks like JSON"}', type);
        expect(reply.status, String(type)).to.equal(415);
        expect(reply.body.error!.code).to.equal('unsupported_media_type');
      }
      expect((await send('POST', '', 'text/plain')).status, 'an empty body of any type').to.equal(200);
      expect((await send('POST', '{"a":1}', 'application/json; charset=UTF-8')).status).to.equal(200);
      expect((await send('POST', '{"a":1}', 'application/merge-patch+json; charset="utf-8"')).status).to.equal(200);
    });
  });
});
