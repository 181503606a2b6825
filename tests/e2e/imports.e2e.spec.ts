/**
 * Importing ChatGPT and Claude data exports end to end: uploads in each shape, the job and
 * its progress (polled and pushed live), the dreams the conversations become, a second
 * import that creates nothing, a grown conversation, and uploads that are refused.
 */
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { request } from 'node:http';
import { importedDreamId } from '@dreamcatcher/imports';
import * as fx from '@dreamcatcher/imports/testing';
import { openWs } from '@dreamcatcher/gateway/testing';
import { assertAsDocumented } from '../support/contract.js';
import { Api, gatewaySystem, uniqueUser, type Reply } from './gateway-system.js';
import type { TestSystem } from '../support/system.js';

describe('e2e: importing ChatGPT and Claude exports', function () {
  this.timeout(180_000);
  let system: TestSystem;
  let api: Api;
  let dir: string;
  let aliceId: string;
  let alice: string;
  let bob: string;
  /** The branched conversation's dream revision after its first import. */
  let importedRevision: string;

  before(async function () {
    system = await gatewaySystem();
    api = new Api(system);
    aliceId = uniqueUser('alice');
    alice = await system.token(aliceId);
    bob = await system.token(uniqueUser('bob'));
    dir = await fx.scratchDir();
  });

  /** Uploads a body as is (a Buffer, a form, or a file streamed); the answer checked against the contract. */
  async function upload(body: Buffer | FormData | string, contentType?: string, token = alice): Promise<Reply> {
    const init: RequestInit & { duplex?: 'half' } = { method: 'POST', headers: { authorization: `Bearer ${token}`, ...(contentType && { 'content-type': contentType }) } };
    init.body = typeof body === 'string' ? (createReadStream(body) as unknown as ReadableStream) : (body as RequestInit['body']);
    if (typeof body === 'string') init.duplex = 'half';
    const res = await fetch(`${system.api}/imports`, init);
    const text = await res.text();
    assertAsDocumented({ method: 'POST', path: '/api/v1/imports', status: res.status, headers: res.headers, text });
    return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
  }

  /** Polls the job until it is finished. */
  async function finished(location: string, token = alice): Promise<Reply['body']> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const job = await api.call('GET', location.replace('/api/v1', ''), { token });
      expect(job.status, job.text).to.equal(200);
      if (job.body.status === 'completed' || job.body.status === 'failed') return job.body;
      if (Date.now() > deadline) throw new Error(`import still ${job.body.status}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** The dream once the projections show it with `fragments` fragments. */
  async function dreamWith(dreamId: string, fragments: number): Promise<Reply['body']> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const dream = await api.call('GET', `/dreams/${dreamId}`, { token: alice });
      if (dream.status === 200 && dream.body.fragments.length >= fragments) return dream.body;
      if (Date.now() > deadline) throw new Error(`dream ${dreamId}: ${dream.status} ${dream.text.slice(0, 200)}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  const chatGptExport = () => [fx.chatGptBranched(), fx.chatGptMultimodal(), fx.chatGptEmpty()];

  it('imports a ChatGPT conversations.json: the current branch of each conversation, progress pushed live', async () => {
    const ws = await openWs(`${system.gatewayUrl.replace('http', 'ws')}/ws?token=${alice}`);
    const sse = await api.live({ authorization: `Bearer ${alice}` });
    const accepted = await upload(Buffer.from(JSON.stringify(chatGptExport())), 'application/json');
    expect(accepted.status, accepted.text).to.equal(202);
    expect(accepted.body.status).to.equal('queued');
    expect(accepted.headers.get('location')).to.equal(`/api/v1/imports/${accepted.body.id}`);
    const job = await finished(accepted.headers.get('location')!);
    expect(job).to.deep.include({ id: accepted.body.id, status: 'completed', format: 'chatgpt', errors: [] });
    expect(job.conversations).to.deep.equal({ total: 3, imported: 2, skipped: 1, failed: 0 });
    const pushed = await ws.next((message) => message.type === 'import_progress' && message.status === 'completed', 10_000);
    expect(pushed).to.deep.include({ id: accepted.body.id, format: 'chatgpt' });
    ws.close();
    const streamed = await sse.next((event) => event.event === 'import_progress' && JSON.parse(event.data!).status === 'completed', 10_000);
    expect(JSON.parse(streamed.data!)).to.deep.include({ id: accepted.body.id, format: 'chatgpt' });
    expect(streamed.id).to.equal(undefined);
    sse.close();

    const branched = await dreamWith(importedDreamId(aliceId, { source: 'chatgpt', id: fx.chatGptBranched().id }), 1);
    expect(branched).to.include({ title: 'Plan a garden' });
    importedRevision = branched.revision;
    expect(branched.tags).to.have.members(['imported', 'chatgpt']);
    const [fragment] = branched.fragments;
    expect(fragment).to.include({ source: 'chatgpt', url: `https://chatgpt.com/c/${fx.chatGptBranched().id}` });
    expect(fragment.content).to.equal('User: What should I plant in a shady spring garden?\n\nAssistant: Hostas and ferns. Water them with:\n```python\nprint("water")\n```');
    expect(fragment.codeSnippets).to.deep.equal([{ language: 'python', code: 'print("water")' }]);
    const multimodal = await dreamWith(importedDreamId(aliceId, { source: 'chatgpt', id: fx.chatGptMultimodal().id }), 1);
    expect(multimodal.title).to.equal('[image] Describe this photo of my desk please');
    expect(multimodal.fragments[0].content).to.include('User: [image]\nDescribe this photo');
  });

  it('importing the same export again creates nothing', async () => {
    const again = await upload(Buffer.from(JSON.stringify(chatGptExport())), 'application/json');
    const job = await finished(again.headers.get('location')!);
    expect(job.conversations).to.deep.equal({ total: 3, imported: 0, skipped: 3, failed: 0 });
    const dream = await dreamWith(importedDreamId(aliceId, { source: 'chatgpt', id: fx.chatGptBranched().id }), 1);
    expect(dream.fragments).to.have.length(1);
    expect(dream.revision).to.equal(importedRevision);
  });

  it('imports a Claude export zip sent as a form, and a grown conversation gets one more fragment', async () => {
    const zip = await readFile(await fx.writeZip(dir, 'claude.zip', [fx.claudeConversation(undefined, 2), fx.claudeEmpty()], 'data-2024-05-01/'));
    const form = new FormData();
    form.append('file', new Blob([zip], { type: 'application/zip' }), 'data.zip');
    const first = await finished((await upload(form)).headers.get('location')!);
    expect(first).to.deep.include({ status: 'completed', format: 'claude' });
    expect(first.conversations).to.deep.equal({ total: 2, imported: 1, skipped: 1, failed: 0 });

    const grown = await upload(Buffer.from(JSON.stringify([fx.claudeConversation(undefined, 4)])), 'application/json');
    expect((await finished(grown.headers.get('location')!)).conversations).to.deep.equal({ total: 1, imported: 1, skipped: 0, failed: 0 });
    const dream = await dreamWith(importedDreamId(aliceId, { source: 'claude', id: fx.claudeConversation().uuid }), 2);
    expect(dream.title).to.equal('Refactor the parser');
    expect(dream.fragments.map((f: { content: string }) => f.content)).to.deep.equal([
      'User: Question 0\n\nAssistant: Answer 1\n```ts\nconst n = 1;\n```',
      'User: Question 2\n\nAssistant: Answer 3\n```ts\nconst n = 3;\n```',
    ]);
    expect(dream.fragments[1]).to.include({ source: 'claude', url: `https://claude.ai/chat/${fx.claudeConversation().uuid}` });
  });

  it("another user's job is 404, and so is an id that names nothing", async () => {
    const accepted = await upload(Buffer.from(JSON.stringify([fx.claudeEmpty()])), 'application/json');
    const path = `/imports/${accepted.body.id}`;
    expect((await api.call('GET', path, { token: bob })).status).to.equal(404);
    expect((await api.call('GET', '/imports/not-a-uuid', { token: alice })).status).to.equal(404);
    expect((await api.call('GET', path)).status).to.equal(401);
    await finished(accepted.headers.get('location')!);
  });

  it('refuses what is no export with a clear 4xx, and fails a job whose export breaks later', async () => {
    const refused = [
      await upload(Buffer.from('plain text'), 'text/plain'),
      await upload(Buffer.from('{"conversations": []}'), 'application/json'),
      await upload(Buffer.from('hello, not a zip'), 'application/zip'),
      await upload(Buffer.alloc(0), 'application/json'),
      await upload(new FormData()),
      await upload(Buffer.from('--x\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc'), 'multipart/form-data; boundary=x'),
    ];
    expect(refused.map((reply) => reply.status)).to.deep.equal([415, 400, 400, 400, 400, 400]);
    expect(refused[1]!.body.error.message).to.match(/ChatGPT or Claude/);

    const truncated = await upload(Buffer.from(JSON.stringify(chatGptExport()).slice(0, 300)), 'application/json');
    expect(truncated.status).to.equal(202);
    const failed = await finished(truncated.headers.get('location')!);
    expect(failed.status).to.equal('failed');
    expect(failed.errors.at(-1)).to.match(/could not be read.*ChatGPT or Claude/);
    const brokenZip = await finished((await upload(Buffer.from('PK\x03\x04 and then garbage'), 'application/zip')).headers.get('location')!);
    expect(brokenZip.status).to.equal('failed');
    expect(brokenZip.errors.at(-1)).to.match(/zip/);
  });

  it('refuses an export declared larger than the limit before reading it (413)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${system.api}/imports`, { method: 'POST', headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/zip', 'content-length': String(600 * 1024 * 1024) } });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode!);
        req.destroy();
      });
      req.on('error', reject);
      req.write(Buffer.from('PK\x03\x04'));
    });
    expect(status).to.equal(413);
  });

  it('imports an export of more than 50 MB, streamed', async () => {
    const { path, conversations } = await fx.writeLargeChatGpt(dir, 52 * 1024 * 1024);
    const accepted = await upload(path, 'application/json');
    expect(accepted.status, accepted.text).to.equal(202);
    const job = await finished(accepted.headers.get('location')!);
    expect(job).to.deep.include({ status: 'completed', format: 'chatgpt' });
    expect(job.conversations).to.deep.equal({ total: conversations, imported: conversations, skipped: 0, failed: 0 });
  });
});
