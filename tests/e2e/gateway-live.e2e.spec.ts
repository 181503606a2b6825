/**
 * Live updates end to end: a command's effect reaches the owner's open /live and /ws
 * connections once the dream_detail projector has applied it, and nobody else's.
 */
import { expect } from 'chai';
import { openWs } from '@dreamcatcher/gateway/testing';
import { Api, aCapture, gatewaySystem, uniqueUser } from './gateway-system.js';

/** Projectors apply changes within a second or so; allow for a loaded machine. */
const WAIT = 20_000;

describe('e2e: live updates', function () {
  this.timeout(120_000);
  let api: Api;
  let ownerToken: string;
  let strangerToken: string;

  before(async function () {
    this.timeout(180_000);
    const system = await gatewaySystem();
    api = new Api(system);
    ownerToken = await system.token(uniqueUser('lola'));
    strangerToken = await system.token(uniqueUser('stan'));
  });

  it("pushes a capture to the owner's /live and /ws as the projections apply it, and to nobody else", async () => {
    const system = await gatewaySystem();
    const live = await api.live({ authorization: `Bearer ${ownerToken}` });
    const strangerLive = await api.live({ authorization: `Bearer ${strangerToken}` });
    const ws = await openWs(`${system.gatewayUrl.replace('http', 'ws')}/ws?token=${ownerToken}`);
    const strangerWs = await openWs(`${system.gatewayUrl.replace('http', 'ws')}/ws?token=${strangerToken}`);
    try {
      expect(live.status).to.equal(200);
      const capture = await api.call('POST', '/conversations/capture', { token: ownerToken, body: aCapture({ dreamTitle: 'Live dream' }) });
      expect(capture.status).to.equal(201);
      const dreamId = capture.body.dreamId;

      // The projector may apply the capture's two events in one batch or two: wait for the state after both.
      const reached = (position: string | undefined) => position !== undefined && BigInt(position) >= BigInt(capture.body.position);
      // A notice says what changed; the client reads the detail for the content.
      const frame = await live.next((f) => f.event === 'dream_updated' && JSON.parse(f.data!).dreamId === dreamId && reached(f.id), WAIT);
      expect(JSON.parse(frame.data!).changed).to.include('fragments');
      expect(JSON.parse(frame.data!).fragmentIds).to.deep.equal([capture.body.fragmentId]);
      const message = await ws.next((m) => m.type === 'dream_updated' && m.dreamId === dreamId && reached(m.position as string), WAIT);
      expect(message.revision).to.be.a('string');
      expect(frame.data).to.not.contain('Live dream');
      expect(live.received.filter((f) => f.event).every((f) => JSON.parse(f.data!).dreamId === dreamId)).to.equal(true);

      const integration = await system.token('pipelineos', ['integration']);
      await api.call('POST', `/dreams/${dreamId}/sync`, { token: integration, body: { status: 'synced', pipelineosProjectId: 'pos-live' } });
      const created = await ws.next((m) => m.type === 'project_created' && m.dreamId === dreamId, WAIT);
      expect(created.project).to.include({ id: 'pos-live' });
      await live.next((f) => f.event === 'project_created', WAIT);

      await api.call('DELETE', `/dreams/${dreamId}`, { token: ownerToken });
      await ws.next((m) => m.type === 'dream_deleted' && m.dreamId === dreamId, WAIT);
      await live.next((f) => f.event === 'dream_deleted', WAIT);

      expect(strangerLive.received.filter((f) => f.event)).to.deep.equal([]);
      expect(strangerWs.received).to.deep.equal([]);
    } finally {
      live.close();
      strangerLive.close();
      ws.close();
      strangerWs.close();
    }
  });

  it('replays what a reconnecting client missed after its Last-Event-ID', async () => {
    const first = await api.call('POST', '/dreams', { token: ownerToken, body: { title: 'Seen before the disconnect' } });
    const missed = await api.call('POST', '/dreams', { token: ownerToken, body: { title: 'Changed while away' } });
    await api.read(`/dreams/${missed.body.dreamId}`, ownerToken, missed.body.position);
    const live = await api.live({ authorization: `Bearer ${ownerToken}`, 'last-event-id': first.body.position });
    try {
      const frame = await live.next((f) => f.event === 'dream_updated', WAIT);
      expect(JSON.parse(frame.data!)).to.include({ dreamId: missed.body.dreamId });
      expect(JSON.parse(frame.data!).changed).to.deep.equal(['dream']);
      expect(frame.id).to.equal(missed.body.position);
      expect(live.received.some((f) => f.data?.includes('Seen before the disconnect'))).to.equal(false);
    } finally {
      live.close();
    }
  });

  it("speaks the older extension's shapes on /ws/dreamcatcher/<apiKey>, naming an imported dream by the extension's local id", async () => {
    const system = await gatewaySystem();
    const made = await api.call('POST', '/me/api-keys', { token: ownerToken, body: { name: 'old extension' } });
    expect(made.status).to.equal(201);
    const ws = await openWs(`${system.gatewayUrl.replace('http', 'ws')}/ws/dreamcatcher/${made.body.key}`);
    try {
      const imported = await api.call('POST', '/dreams/import', {
        token: ownerToken,
        body: { dream: { title: 'Imported for the old extension', fragments: [{ title: 'f', content: 'fragment text', source: 'claude' }] }, origin: { client: 'extension', localId: 'dream_local_42' }, localFragmentIds: ['fragment_local_1'] },
      });
      expect(imported.status, imported.text).to.equal(201);
      const updated = await ws.next((m) => m.type === 'dream_updated' && (m.dream as { id?: string }).id === 'dream_local_42', WAIT);
      expect(updated.dream).to.include({ id: 'dream_local_42', serverId: imported.body.dreamId, title: 'Imported for the old extension', status: 'idea' });
      expect(JSON.stringify(updated)).to.not.contain('fragment text');
      await api.call('DELETE', `/dreams/${imported.body.dreamId}`, { token: ownerToken });
      await ws.next((m) => m.type === 'dream_deleted' && m.dreamId === 'dream_local_42', WAIT);
    } finally {
      ws.close();
    }
  });
});
