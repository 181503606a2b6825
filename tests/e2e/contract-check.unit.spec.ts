/**
 * The contract check every e2e answer passes through: `Api.call` must fail on an answer that
 * departs from the OpenAPI document, so a shape changed without the contract fails the suite.
 * A tiny local server plays the gateway here; no system is started.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AssertionError, expect } from 'chai';
import type { TestSystem } from '../support/system.js';
import { Api } from './gateway-system.js';

type Answer = { status: number; headers: Record<string, string>; body?: string };

describe('e2e support: every answer is held to the OpenAPI contract', () => {
  let server: Server;
  let api: Api;
  let next: Answer;

  before(async () => {
    server = createServer((_req, res) => {
      res.writeHead(next.status, next.headers).end(next.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = new Api({ api: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1` } as TestSystem);
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => ({
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-correlation-id': 'corr-1', ...headers },
    body: JSON.stringify(body),
  });
  const failure = async (method: string, path: string): Promise<string> => {
    try {
      await api.call(method, path);
    } catch (error) {
      expect(error).to.be.instanceOf(AssertionError);
      return (error as Error).message;
    }
    throw new Error(`${method} ${path} passed the contract check`);
  };

  it('passes an answer as documented through to the spec', async () => {
    next = json(200, { totalDreams: 2, syncedDreams: 1, unsyncedDreams: 1, lastSync: null });
    const reply = await api.call('GET', '/sync/status');
    expect(reply.body).to.deep.equal({ totalDreams: 2, syncedDreams: 1, unsyncedDreams: 1, lastSync: null });
  });

  it('fails on a body off its schema, listing every violation', async () => {
    next = json(200, { totalDreams: 2, syncedDreams: 1, lastSync: null, lastSyncedDream: 'x' });
    const message = await failure('GET', '/sync/status');
    expect(message).to.contain('GET /api/v1/sync/status answered 200 off the OpenAPI contract');
    expect(message).to.contain("/body/unsyncedDreams must have required property 'unsyncedDreams'");
    expect(message).to.contain('/body/lastSyncedDream is not allowed');
  });

  it('fails on a status the operation does not document', async () => {
    next = json(418, { error: { code: 'teapot', message: 'No' } });
    expect(await failure('GET', '/sync/status')).to.contain('getSyncStatus (GET /api/v1/sync/status) answered 418, which the OpenAPI document does not list');
  });

  it('fails on a missing documented header and on a body that is not the JSON it claims', async () => {
    next = json(200, { dreamId: '3f6c2a1e-8b4d-4c7a-9e21-5d0f7b8a9c14', revision: '1', position: '7', events: [] });
    expect(await failure('PATCH', '/dreams/3f6c2a1e-8b4d-4c7a-9e21-5d0f7b8a9c14')).to.contain('/headers/ETag is required by the OpenAPI document but missing');
    next = { status: 200, headers: { 'content-type': 'application/json', 'x-correlation-id': 'corr-1' }, body: '{"items": [' };
    expect(await failure('GET', '/brands')).to.contain('/body must be valid JSON');
  });
});
