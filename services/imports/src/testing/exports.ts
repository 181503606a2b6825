/**
 * Export files written by hand in each format, and the means to write them to disk (as
 * JSON, in a zip, or generated to any size) for the readers and the import job to read.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import yazl from 'yazl';

const node = (id: string, parent: string | null, role: string | null, parts: unknown[] | null, extra: Record<string, unknown> = {}) => ({
  id,
  parent,
  children: [],
  message: role === null ? null : { id, author: { role }, content: { content_type: 'text', parts }, ...extra },
});

/** A ChatGPT conversation whose first user message was edited: two branches, `current_node` on the second. */
export function chatGptBranched(id = 'c0ffee00-0000-4000-8000-000000000001') {
  return {
    id,
    conversation_id: id,
    title: 'Plan a garden',
    create_time: 1_700_000_000.5,
    update_time: 1_700_000_600.25,
    current_node: 'a2',
    mapping: {
      root: node('root', null, null, null),
      sys: node('sys', 'root', 'system', ['You are ChatGPT.'], { metadata: { is_visually_hidden_from_conversation: true } }),
      u1: node('u1', 'sys', 'user', ['What should I plant in spring?']),
      a1: node('a1', 'u1', 'assistant', ['The old branch answer.']),
      u2: node('u2', 'sys', 'user', ['What should I plant in a shady spring garden?']),
      a2: node('a2', 'u2', 'assistant', ['Hostas and ferns. Water them with:\n```python\nprint("water")\n```\n']),
    },
  };
}

/** A ChatGPT conversation with an image beside text, a tool message and no title. */
export function chatGptMultimodal(id = 'c0ffee00-0000-4000-8000-000000000002') {
  return {
    id,
    title: null,
    create_time: 1_700_001_000,
    update_time: 1_700_001_100,
    current_node: 'a1',
    mapping: {
      root: node('root', null, null, null),
      u1: {
        id: 'u1',
        parent: 'root',
        message: {
          author: { role: 'user' },
          content: { content_type: 'multimodal_text', parts: [{ content_type: 'image_asset_pointer', asset_pointer: 'file-service://x' }, 'Describe this photo of my desk please'] },
        },
      },
      t1: node('t1', 'u1', 'tool', ['tool output']),
      a1: node('a1', 't1', 'assistant', ['A tidy desk with a lamp.']),
    },
  };
}

export function chatGptEmpty(id = 'c0ffee00-0000-4000-8000-000000000003') {
  return { id, title: 'Nothing here', create_time: 1_700_002_000, current_node: 'root', mapping: { root: node('root', null, null, null) } };
}

export function claudeConversation(uuid = '5ca1ab1e-0000-4000-8000-000000000001', turns = 2) {
  const messages = [];
  for (let i = 0; i < turns; i++) {
    messages.push({ uuid: `m${i}`, sender: i % 2 === 0 ? 'human' : 'assistant', text: i % 2 === 0 ? `Question ${i}` : `Answer ${i}\n\`\`\`ts\nconst n = ${i};\n\`\`\``, created_at: '2024-05-01T10:00:00Z', attachments: [], files: [] });
  }
  return { uuid, name: 'Refactor the parser', created_at: '2024-05-01T10:00:00.000000Z', updated_at: '2024-05-01T11:00:00.000000Z', chat_messages: messages };
}

export function claudeEmpty(uuid = '5ca1ab1e-0000-4000-8000-000000000002') {
  return { uuid, name: '', created_at: '2024-05-02T10:00:00Z', updated_at: '2024-05-02T10:00:00Z', chat_messages: [] };
}

export async function scratchDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'dreamcatcher-imports-'));
}

export async function writeJson(dir: string, name: string, value: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(value));
  return path;
}

/** A zip as the export download is: conversations.json beside other files. */
export async function writeZip(dir: string, name: string, conversations: unknown, folder = ''): Promise<string> {
  const path = join(dir, name);
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from('<html>chat.html</html>'), `${folder}chat.html`);
  zip.addBuffer(Buffer.from(JSON.stringify(conversations)), `${folder}conversations.json`);
  zip.addBuffer(Buffer.from('{}'), `${folder}user.json`);
  zip.end();
  const out = createWriteStream(path);
  zip.outputStream.pipe(out);
  await once(out, 'finish');
  return path;
}

/**
 * A ChatGPT export of at least `bytes`, written conversation by conversation so the test
 * itself holds no more than one in memory.
 */
export async function writeLargeChatGpt(dir: string, bytes: number): Promise<{ path: string; conversations: number }> {
  const path = join(dir, 'large.json');
  const out = createWriteStream(path);
  // The bulk sits on the branch that is not imported: a big file of few conversations.
  const filler = 'lorem ipsum dolor sit amet '.repeat(40_000);
  let written = 0;
  let count = 0;
  out.write('[');
  while (written < bytes) {
    const conversation = chatGptBranched(`large-${count}`);
    conversation.mapping.a1.message!.content.parts = [filler];
    const text = (count === 0 ? '' : ',') + JSON.stringify(conversation);
    written += text.length;
    count++;
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end(']');
  await once(out, 'finish');
  return { path, conversations: count };
}
