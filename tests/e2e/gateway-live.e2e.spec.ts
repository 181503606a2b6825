/**
 * Live updates end to end: a command's effect reaches the owner's open /live and /ws
 * connections once the dream_detail projector has applied it, and nobody else's.
 */
import { expect } from 'chai';
import WebSocket from 'ws';
import { Api, aCapture, gatewaySystem, uniqueUser } from './gateway-system.js';

interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
}

/** Reads an SSE stream into frames; `until` resolves with the first frame matching. */
async function openLive(url: string, headers: Record<string, string>) {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const frames: SseFrame[] = [];
  const listeners = new Set<() => void>();
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const frame: SseFrame = {};
          for (const line of buffer.slice(0, end).split('\n')) {
            const match = /^(id|event|data): ?(.*)$/.exec(line);
            if (match) frame[match[1] as keyof SseFrame] = match[2];
          }
          buffer = buffer.slice(end + 2);
          frames.push(frame);
          listeners.forEach((listener) => listener());
        }
      }
    } catch {
      // closed by the spec
    }
  })();
  const until = (predicate: (frame: SseFrame) => boolean, timeoutMs = 20_000) =>
    new Promise<SseFrame>((resolve, reject) => {
      const check = () => {
        const found = frames.find(predicate);
        if (!found) return;
        listeners.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`no matching SSE frame in ${timeoutMs} ms: ${JSON.stringify(frames)}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  return { status: res.status, frames, until, close: () => abort.abort() };
}

function openSocket(url: string): Promise<{ messages: Record<string, unknown>[]; until: (p: (m: Record<string, unknown>) => boolean) => Promise<Record<string, unknown>>; close: () => void }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const messages: Record<string, unknown>[] = [];
    const listeners = new Set<() => void>();
    socket.on('message', (data) => {
      messages.push(JSON.parse(String(data)) as Record<string, unknown>);
      listeners.forEach((listener) => listener());
    });
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    socket.once('open', () =>
      resolve({
        messages,
        close: () => socket.close(),
        until: (predicate) =>
          new Promise((found, fail) => {
            const check = () => {
              const match = messages.find(predicate);
              if (!match) return;
              listeners.delete(check);
              clearTimeout(timer);
              found(match);
            };
            const timer = setTimeout(() => fail(new Error(`no matching message: ${JSON.stringify(messages)}`)), 20_000);
            listeners.add(check);
            check();
          }),
      }),
    );
  });
}

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
    const live = await openLive(`${system.api}/live`, { authorization: `Bearer ${ownerToken}` });
    const strangerLive = await openLive(`${system.api}/live`, { authorization: `Bearer ${strangerToken}` });
    const ws = await openSocket(`${system.gatewayUrl.replace('http', 'ws')}/ws?token=${ownerToken}`);
    const strangerWs = await openSocket(`${system.gatewayUrl.replace('http', 'ws')}/ws?token=${strangerToken}`);
    try {
      expect(live.status).to.equal(200);
      const capture = await api.call('POST', '/conversations/capture', { token: ownerToken, body: aCapture({ dreamTitle: 'Live dream' }) });
      expect(capture.status).to.equal(201);
      const dreamId = capture.body.dreamId;

      // The projector may apply the capture's two events in one batch or two: wait for the state after both.
      const reached = (position: string | undefined) => position !== undefined && BigInt(position) >= BigInt(capture.body.position);
      const frame = await live.until((f) => f.event === 'dream_updated' && JSON.parse(f.data!).dream.id === dreamId && reached(f.id));
      expect(JSON.parse(frame.data!).dream).to.include({ title: 'Live dream', fragmentCount: 1 });
      const message = await ws.until((m) => m.type === 'dream_updated' && (m.dream as { id: string }).id === dreamId && reached(m.position as string));
      expect((message.dream as { fragments: unknown[] }).fragments).to.have.length(1);
      expect(live.frames.filter((f) => f.event).every((f) => JSON.parse(f.data!).dream?.id === dreamId || JSON.parse(f.data!).dreamId === dreamId)).to.equal(true);

      const integration = await system.token('pipelineos', ['integration']);
      await api.call('POST', `/dreams/${dreamId}/sync`, { token: integration, body: { status: 'synced', pipelineosProjectId: 'pos-live' } });
      const created = await ws.until((m) => m.type === 'project_created' && m.dreamId === dreamId);
      expect(created.project).to.include({ id: 'pos-live' });
      await live.until((f) => f.event === 'project_created');

      await api.call('DELETE', `/dreams/${dreamId}`, { token: ownerToken });
      await ws.until((m) => m.type === 'dream_deleted' && m.dreamId === dreamId);
      await live.until((f) => f.event === 'dream_deleted');

      expect(strangerLive.frames.filter((f) => f.event)).to.deep.equal([]);
      expect(strangerWs.messages).to.deep.equal([]);
    } finally {
      live.close();
      strangerLive.close();
      ws.close();
      strangerWs.close();
    }
  });

  it('replays what a reconnecting client missed after its Last-Event-ID', async () => {
    const system = await gatewaySystem();
    const first = await api.call('POST', '/dreams', { token: ownerToken, body: { title: 'Seen before the disconnect' } });
    const missed = await api.call('POST', '/dreams', { token: ownerToken, body: { title: 'Changed while away' } });
    await api.read(`/dreams/${missed.body.dreamId}`, ownerToken, missed.body.position);
    const live = await openLive(`${system.api}/live`, { authorization: `Bearer ${ownerToken}`, 'last-event-id': first.body.position });
    try {
      const frame = await live.until((f) => f.event === 'dream_updated');
      expect(JSON.parse(frame.data!).dream).to.include({ id: missed.body.dreamId, title: 'Changed while away' });
      expect(frame.id).to.equal(missed.body.position);
      expect(live.frames.some((f) => f.data?.includes('Seen before the disconnect'))).to.equal(false);
    } finally {
      live.close();
    }
  });
});
