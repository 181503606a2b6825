/**
 * What every security case works with: the shared test system, the hardened gateway beside
 * it, two users (alice owns a dream with a fragment, a todo and a document; bob owns
 * nothing), tokens for the other roles, and one way to call either gateway.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { connectPostgres, type Pool } from '@dreamcatcher/service-kit';
import type { TestSystem } from '../support/system.js';
import { signToken } from '../faults/api-client.js';
import { send, type RawAnswer } from '../fuzz/raw-http.js';
import type { HardenedGateway } from './hardened-gateway.js';
import { SecurityReport } from './report.js';

export interface Caller {
  id: string;
  token: string;
}

export interface CallOptions {
  token?: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface SecurityContext {
  system: TestSystem;
  hardened: HardenedGateway;
  report: SecurityReport;
  observer: Pool;
  alice: Caller & { dreamId: string; fragmentId: string; todoId: string; title: string; position: string };
  bob: Caller;
  auditor: Caller;
  admin: Caller;
  integration: Caller;
  /** Calls `path` (below /api/v1) on the shared gateway, or on `base` when given. */
  call(method: string, path: string, options?: CallOptions, base?: string): Promise<RawAnswer>;
  /** Events in alice's dream's stream. */
  aliceEvents(): Promise<number>;
}

export async function securityContext(system: TestSystem, hardened: HardenedGateway): Promise<SecurityContext> {
  const run = randomUUID().slice(0, 8);
  const caller = async (name: string, roles: string[] = ['user']): Promise<Caller> => {
    const id = `sec-${name}-${run}`;
    return { id, token: await signToken(id, roles) };
  };
  const call: SecurityContext['call'] = (method, path, { token, headers = {}, body } = {}, base = system.api) =>
    send({
      method,
      url: `${base}${path}`,
      headers: { ...(token && { authorization: token.startsWith('dc_') ? `ApiKey ${token}` : `Bearer ${token}` }), ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });

  const aliceCaller = await caller('alice');
  const title = `Alice's secret plan ${run}`;
  const capture = await call('POST', '/conversations/capture', {
    token: aliceCaller.token,
    body: { dreamTitle: title, brand: 'bc-studio', tags: [`secret-${run}`], fragment: { title: `Secret fragment ${run}`, content: `The launch code is ${run}`, source: 'claude' } },
  });
  expect(capture.status, capture.text).to.equal(201);
  const todo = await call('POST', `/dreams/${capture.json.dreamId}/todos`, { token: aliceCaller.token, body: { title: `Secret todo ${run}` } });
  expect(todo.status, todo.text).to.equal(200);
  const document = await call('POST', `/dreams/${capture.json.dreamId}/documents`, { token: aliceCaller.token, body: { title: 'Secret brief', fileName: 'brief.pdf', fileType: 'application/pdf', size: 10 } });
  expect(document.status, document.text).to.equal(200);
  const observer = await connectPostgres({ url: system.databaseUrl, applicationName: 'security-suite', max: 2 });
  const dreamId = capture.json.dreamId as string;
  return {
    system,
    hardened,
    report: new SecurityReport(),
    observer,
    alice: { ...aliceCaller, dreamId, fragmentId: capture.json.fragmentId, todoId: todo.json.todoId, title, position: document.json.position },
    bob: await caller('bob'),
    auditor: await caller('audrey', ['auditor']),
    admin: await caller('ada', ['admin']),
    integration: await caller('pipelineos', ['integration']),
    call,
    aliceEvents: async () => Number((await observer.query<{ n: string }>('SELECT count(*)::text AS n FROM event_store.events WHERE stream_id = $1', [`dream-${dreamId}`])).rows[0]!.n),
  };
}
