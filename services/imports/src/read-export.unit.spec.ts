import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NotAnExportError, type Conversation } from './conversation.js';
import { detectContainer, readExport, type ExportItem } from './read-export.js';
import { planConversation, importedDreamId } from './commands.js';
import { codeSnippets } from './transcript.js';
import * as fx from './testing/exports.js';

async function readAll(path: string): Promise<{ items: ExportItem[]; format?: string }> {
  const items: ExportItem[] = [];
  let format: string | undefined;
  for await (const item of readExport(path, (f) => (format = f))) items.push(item);
  return { items, format };
}

const conversations = (items: ExportItem[]): Conversation[] => items.flatMap((item) => ('conversation' in item ? [item.conversation] : []));

describe('imports: reading exports', () => {
  let dir: string;
  before(async () => {
    dir = await fx.scratchDir();
  });

  it('reads the ChatGPT branch that ends at current_node, without hidden system or tool messages', async () => {
    const path = await fx.writeJson(dir, 'chatgpt.json', [fx.chatGptBranched(), fx.chatGptMultimodal(), fx.chatGptEmpty()]);
    const { items, format } = await readAll(path);
    expect(format).to.equal('chatgpt');
    const [branched, multimodal, empty] = conversations(items);
    expect(branched!.turns.map((t) => t.text)).to.deep.equal([
      'What should I plant in a shady spring garden?',
      'Hostas and ferns. Water them with:\n```python\nprint("water")\n```',
    ]);
    expect(branched!.createdAt).to.equal('2023-11-14T22:13:20.500Z');
    expect(multimodal!.turns[0]).to.deep.equal({ role: 'user', text: '[image]\nDescribe this photo of my desk please' });
    expect(multimodal!.turns.map((t) => t.role)).to.deep.equal(['user', 'assistant']);
    expect(empty!.turns).to.deep.equal([]);
  });

  it('reads Claude exports, and the same from a zip as downloaded', async () => {
    const list = [fx.claudeConversation(), fx.claudeEmpty()];
    const fromJson = await readAll(await fx.writeJson(dir, 'claude.json', list));
    const fromZip = await readAll(await fx.writeZip(dir, 'claude.zip', list, 'data-2024/'));
    expect(fromJson.format).to.equal('claude');
    expect(fromZip.items).to.deep.equal(fromJson.items);
    const [claude] = conversations(fromJson.items);
    expect(claude!.turns).to.deep.equal([
      { role: 'user', text: 'Question 0' },
      { role: 'assistant', text: 'Answer 1\n```ts\nconst n = 1;\n```' },
    ]);
    expect(claude!.updatedAt).to.equal('2024-05-01T11:00:00.000Z');
  });

  it('tells what is not an export from the first bytes, and a broken one while reading', async () => {
    expect(detectContainer(Buffer.from('PK\x03\x04rest'))).to.equal('zip');
    expect(detectContainer(Buffer.from('\ufeff  [{"a":1}'))).to.equal('json');
    expect(() => detectContainer(Buffer.from('{"conversations": []}'))).to.throw(NotAnExportError, /not a list of conversations/);
    expect(() => detectContainer(Buffer.from('hello'))).to.throw(NotAnExportError, /ChatGPT or Claude/);
    const truncated = join(dir, 'truncated.json');
    await writeFile(truncated, JSON.stringify([fx.claudeConversation()]).slice(0, 120));
    let failure: unknown;
    await readAll(truncated).catch((error) => (failure = error));
    expect(failure).to.be.instanceOf(NotAnExportError);
    const noJson = await fx.writeZip(dir, 'other.zip', [], '');
    const { items } = await readAll(noJson);
    expect(items).to.deep.equal([]);
    const strange = await readAll(await fx.writeJson(dir, 'strange.json', [1, { foo: 'bar' }]));
    expect(strange.items.map((item) => ('error' in item ? item.error : 'ok'))).to.deep.equal([
      'item 0 is not a conversation',
      'item 1 is neither a ChatGPT nor a Claude conversation',
    ]);
  });

  it('keeps memory flat while reading an export of more than 50 MB', async function () {
    this.timeout(120_000);
    const { path, conversations: count } = await fx.writeLargeChatGpt(dir, 52 * 1024 * 1024);
    global.gc?.();
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakHeap = before.heapUsed;
    let read = 0;
    for await (const item of readExport(path, () => undefined)) {
      if ('conversation' in item) read++;
      const now = process.memoryUsage();
      peakRss = Math.max(peakRss, now.rss);
      peakHeap = Math.max(peakHeap, now.heapUsed);
    }
    expect(read).to.equal(count);
    const rssGrowthMb = (peakRss - before.rss) / 1024 / 1024;
    const heapGrowthMb = (peakHeap - before.heapUsed) / 1024 / 1024;
    console.log(`      52 MB export: ${count} conversations, RSS +${rssGrowthMb.toFixed(1)} MB, heap +${heapGrowthMb.toFixed(1)} MB`);
    expect(rssGrowthMb).to.be.below(40);
    expect(heapGrowthMb).to.be.below(40);
  });
});

describe('imports: what a conversation becomes', () => {
  const user = 'user-1';
  it('one ImportDream with the transcript, URL, tags and times; nothing when nothing is new', () => {
    const conversation = { source: 'chatgpt' as const, id: 'abc', title: '', createdAt: '2024-01-01T00:00:00.000Z', turns: [
      { role: 'user' as const, text: 'Help me write a very long and detailed plan for a vegetable garden with many beds and paths' },
      { role: 'assistant' as const, text: 'Sure:\n```\nbeds = 4\n```' },
    ] };
    const [command, ...rest] = planConversation(user, conversation, 0);
    expect(rest).to.deep.equal([]);
    expect(command!.type).to.equal('ImportDream');
    const dream = command!.data.dream as { id: string; title: string; tags: string[]; fragments: Record<string, unknown>[] };
    expect(dream.id).to.equal(importedDreamId(user, conversation)).and.to.match(/^[0-9a-f-]{8}-[0-9a-f]{4}-5/);
    expect(dream.title).to.have.length.at.most(80).and.match(/^Help me write .*…$/);
    expect(dream.tags).to.deep.equal(['imported', 'chatgpt']);
    expect(dream.fragments[0]).to.deep.include({
      content: `User: ${conversation.turns[0]!.text}\n\nAssistant: Sure:\n\`\`\`\nbeds = 4\n\`\`\``,
      source: 'chatgpt',
      url: 'https://chatgpt.com/c/abc',
      capturedAt: '2024-01-01T00:00:00.000Z',
      codeSnippets: [{ language: 'text', code: 'beds = 4' }],
    });
    expect(planConversation(user, conversation, 2)).to.deep.equal([]);
    expect(importedDreamId('user-2', conversation)).to.not.equal(dream.id);
  });

  it('a conversation that grew gets its new turns as one AddFragment, with a key of its own', () => {
    const grown = { source: 'claude' as const, id: 'u-1', title: 'T1t', turns: [1, 2, 3, 4].map((n) => ({ role: n % 2 ? ('user' as const) : ('assistant' as const), text: `turn ${n}` })) };
    const first = planConversation(user, { ...grown, turns: grown.turns.slice(0, 2) }, 0);
    const more = planConversation(user, grown, 2);
    expect(more).to.have.length(1);
    expect(more[0]!.type).to.equal('AddFragment');
    expect(more[0]!.data).to.deep.include({ dreamId: importedDreamId(user, grown), content: 'User: turn 3\n\nAssistant: turn 4', url: 'https://claude.ai/chat/u-1' });
    expect(more[0]!.idempotencyKey).to.not.equal(first[0]!.idempotencyKey);
    expect(planConversation(user, grown, 2)).to.deep.equal(more);
  });

  it('extracts fenced code with its language', () => {
    expect(codeSnippets('a\n```TypeScript title\nlet x = 1;\n```\nb\n```\n\n```')).to.deep.equal([{ language: 'typescript', code: 'let x = 1;' }]);
  });
});
