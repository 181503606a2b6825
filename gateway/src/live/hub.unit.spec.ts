import { expect } from 'chai';
import { createLogger } from '@dreamcatcher/service-kit';
import { Writable } from 'node:stream';
import { LiveHub } from './hub.js';
import type { LiveEvent } from './messages.js';

const DREAM = '0f8fad5b-d9cb-469f-a165-70867728950e';
const quiet = createLogger({ service: 'test', stream: new Writable({ write: (_c, _e, done) => done() }) });
const change = (ownerId: string, position: string, kind = 'updated') => JSON.stringify({ ownerId, dreamId: DREAM, position, revision: '1', kind });

describe('live hub', () => {
  it("delivers a change to every connection of the dream's owner and to no one else", async () => {
    const loads: string[] = [];
    const hub = new LiveHub(async (userId, dreamId) => (loads.push(userId), { id: dreamId, title: `as ${userId} sees it` }), quiet);
    const got = { a1: [] as LiveEvent[], a2: [] as LiveEvent[], b: [] as LiveEvent[] };
    hub.subscribe('ann', { deliver: (e) => got.a1.push(e), end: () => undefined });
    hub.subscribe('ann', { deliver: (e) => got.a2.push(e), end: () => undefined });
    hub.subscribe('ben', { deliver: (e) => got.b.push(e), end: () => undefined });
    hub.onNotification(change('ann', '10'));
    hub.onNotification(change('carl', '11'));
    await hub.idle();
    expect(got.a1).to.deep.equal([{ position: '10', message: { type: 'dream_updated', dream: { id: DREAM, title: 'as ann sees it' } } }]);
    expect(got.a2).to.deep.equal(got.a1);
    expect(got.b).to.deep.equal([]);
    expect(loads).to.deep.equal(['ann']); // once per change, and never for users without connections
  });

  it("keeps an owner's changes in commit order even when loading them takes different times", async () => {
    const delays: Record<string, number> = { '1': 40, '2': 0 };
    let call = 0;
    const hub = new LiveHub(async () => {
      const n = String(++call);
      await new Promise((resolve) => setTimeout(resolve, delays[n] ?? 0));
      return { version: n };
    }, quiet);
    const positions: string[] = [];
    hub.subscribe('ann', { deliver: (e) => positions.push(e.position), end: () => undefined });
    hub.onNotification(change('ann', '1'));
    hub.onNotification(change('ann', '2'));
    await hub.idle();
    expect(positions).to.deep.equal(['1', '2']);
  });

  it('stops delivering after unsubscribing, and ends every connection on close', async () => {
    const hub = new LiveHub(async () => ({}), quiet);
    const got: LiveEvent[] = [];
    let ended = 0;
    const unsubscribe = hub.subscribe('ann', { deliver: (e) => got.push(e), end: () => ended++ });
    hub.subscribe('ann', { deliver: () => undefined, end: () => ended++ });
    unsubscribe();
    hub.onNotification(change('ann', '5', 'deleted'));
    await hub.idle();
    expect(got).to.deep.equal([]);
    hub.closeAll();
    expect(ended).to.equal(1);
    expect(hub.connections).to.equal(0);
  });
});
