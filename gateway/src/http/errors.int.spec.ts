import { gzipSync } from 'node:zlib';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import express from 'express';
import { closeServer, createLogger, listeningPort } from '@dreamcatcher/service-kit';
import { errorHandler, isDatabaseUnavailable, toAppError } from './errors.js';

/** What pg raises when the server ends a session (pg_terminate_backend, shutdown). */
const terminated = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', severity: 'FATAL' });

describe('gateway: errors from below the routes', () => {
  it('turns a database that dropped or refused the session into 503, not 500', () => {
    for (const error of [terminated, new Error('Connection terminated unexpectedly'), new Error('Client has encountered a connection error and is not queryable'), Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), Object.assign(new Error('too many clients'), { code: '53300' })]) {
      expect(isDatabaseUnavailable(error), error.message).to.equal(true);
      expect(toAppError(error)?.status, error.message).to.equal(503);
    }
  });

  it('leaves real query failures alone: they stay a logged 500', () => {
    const broken = Object.assign(new Error('column "nope" does not exist'), { code: '42703' });
    expect(isDatabaseUnavailable(broken)).to.equal(false);
    expect(toAppError(broken)).to.equal(undefined);
    expect(toAppError(new TypeError('x is undefined'))).to.equal(undefined);
  });

  describe('through the error middleware', () => {
    let server: Server;
    let url: string;

    before(async () => {
      const logger = createLogger({ service: 'test', stream: new Writable({ write: (_chunk, _e, done) => done() }) });
      const app = express();
      app.use(express.json());
      app.get('/outage', () => {
        throw terminated;
      });
      app.post('/echo', (req, res) => void res.json(req.body));
      app.use(errorHandler(logger));
      server = await new Promise<Server>((resolve) => {
        const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
      });
      url = `http://127.0.0.1:${listeningPort(server)}`;
    });

    after(() => closeServer(server));

    it('answers an outage with 503 and Retry-After', async () => {
      const res = await fetch(`${url}/outage`);
      expect(res.status).to.equal(503);
      expect(res.headers.get('retry-after')).to.equal('1');
      expect(((await res.json()) as { error: { code: string } }).error.code).to.equal('unavailable');
    });

    it('answers a compressed body that does not inflate with 400, and reads one that does', async () => {
      const post = (body: Buffer) => fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body });
      const broken = await post(Buffer.from('{"title":"not gzip at all"}'));
      expect(broken.status).to.equal(400);
      expect(await broken.json()).to.deep.equal({ error: { code: 'invalid_body', message: 'Request body could not be read' } });
      const good = await post(gzipSync('{"title":"gzipped"}'));
      expect(good.status).to.equal(200);
      expect(await good.json()).to.deep.equal({ title: 'gzipped' });
    });
  });
});
