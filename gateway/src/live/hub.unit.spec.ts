import { expect } from 'chai';
import { createLogger } from '@dreamcatcher/service-kit';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { Writable } from 'node:stream';
import type { Principal } from '../auth/roles.js';
import { LiveHub, type EndReason, type LiveSubscriber } from './hub.js';
import type { LiveEvent } from './messages.js';

const DREAM = '0f8fad5b-d9cb-469f-a165-70867728950e';
const quiet = createLogger({ service: 'test', stream: new Writable({ write: (_c, _e, done) => done() }) });
const change = (ownerId: string, position: string, kind = 'updated', extra: object = {}) =>
  JSON.stringify({ ownerId, dreamId: DREAM, position, revision: '1', kind, ...extra });
const as = (userId: string, extra: Partial<Principal> = {}): Principal => ({ userId, roles: ['user'], via: 'jwt', ...extra });
const collect = (got: LiveEvent[], ended: EndReason[] = []): LiveSubscriber => ({ deliver: (e) => got.push(e), end: (reason) => ended.push(reason) });

describe('live hub', () => {
  it("delivers a change as a notice to every connection of the dream's owner and to no one else, loading nothing", async () => {
    const loads: string[] = [];
    const hub = new LiveHub(async (userId) => (loads.push(userId), {}), quiet);
    const got = { a1: [] as LiveEvent[], a2: [] as LiveEvent[], b: [] as LiveEvent[] };
    hub.subscribe(as('ann'), collect(got.a1));
    hub.subscribe(as('ann'), collect(got.a2));
    hub.subscribe(as('ben'), collect(got.b));
    hub.onNotification(change('ann', '10', 'updated', { types: ['FragmentCaptured'], fragmentIds: ['f-1'] }));
    hub.onNotification(change('carl', '11'));
    await hub.idle();
    const notice = { type: 'dream_updated', dreamId: DREAM, revision: '1', changed: ['fragments'], fragmentIds: ['f-1'] };
    expect(got.a1).to.deep.equal([{ position: '10', message: notice }]);
    expect(got.a2).to.deep.equal(got.a1);
    expect(got.b).to.deep.equal([]);
    expect(loads).to.deep.equal([]);
  });

  it("keeps an owner's changes in commit order even when loading them takes different times", async () => {
    const delays: Record<string, number> = { '1': 40, '2': 0 };
    let call = 0;
    const hub = new LiveHub(async () => {
      const n = String(++call);
      await new Promise((resolve) => setTimeout(resolve, delays[n] ?? 0));
      return { sync: { pipelineosProjectId: n } };
    }, quiet);
    const positions: string[] = [];
    hub.subscribe(as('ann'), { deliver: (e) => positions.push(e.position ?? ''), end: () => undefined });
    hub.onNotification(change('ann', '1', 'project_created'));
    hub.onNotification(change('ann', '2', 'project_created'));
    await hub.idle();
    expect(positions).to.deep.equal(['1', '1', '2', '2']);
  });

  it('stops delivering after leaving, and ends every connection on close', async () => {
    const ended: EndReason[] = [];
    const counted: string[] = [];
    const hub = new LiveHub(async () => ({}), quiet, undefined, (reason) => counted.push(reason));
    const got: LiveEvent[] = [];
    const first = hub.subscribe(as('ann'), collect(got, ended));
    hub.subscribe(as('ann'), collect([], ended));
    if (first.admitted) first.leave('closed');
    hub.onNotification(change('ann', '5', 'deleted'));
    await hub.idle();
    expect(got).to.deep.equal([]);
    hub.closeAll();
    expect(ended).to.deep.equal(['shutdown']);
    expect(counted).to.deep.equal(['closed', 'shutdown']);
    expect(hub.connections).to.equal(0);
  });

  it('admits at most maxPerUser connections per user and maxTotal in all', () => {
    const hub = new LiveHub(async () => ({}), quiet, { maxPerUser: 2, maxTotal: 3 });
    const admitted = (userId: string) => hub.subscribe(as(userId), collect([]));
    expect([admitted('ann'), admitted('ann'), admitted('ann')].map((a) => a.admitted)).to.deep.equal([true, true, false]);
    expect(admitted('ann')).to.deep.equal({ admitted: false, limit: 'per_user' });
    expect(admitted('ben').admitted).to.equal(true);
    expect(admitted('cat')).to.deep.equal({ admitted: false, limit: 'total' });
    expect(hub.connections).to.equal(3);
  });

  it('ends a connection when its token expires, and those of a revoked API key', async () => {
    const hub = new LiveHub(async () => ({}), quiet);
    const ended = { token: [] as EndReason[], key: [] as EndReason[], other: [] as EndReason[] };
    hub.subscribe(as('ann', { expiresAt: Date.now() + 50 }), collect([], ended.token));
    hub.subscribe(as('ann', { via: 'api-key', apiKeyId: 'k1' }), collect([], ended.key));
    hub.subscribe(as('ann', { via: 'api-key', apiKeyId: 'k2', expiresAt: Date.now() + 3_600_000 }), collect([], ended.other));
    await eventually(() => ended.token.length === 1, { what: 'the expired token to end its connection' });
    hub.revokeApiKey('k1');
    expect(ended).to.deep.equal({ token: ['token_expired'], key: ['key_revoked'], other: [] });
    expect(hub.connections).to.equal(1);
    hub.closeAll();
  });
});
