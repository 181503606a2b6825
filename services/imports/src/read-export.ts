/**
 * Reads an export file as a stream of conversations, whatever its container: a
 * `conversations.json` (a JSON array) or the export `.zip` that holds one. The JSON is
 * parsed as a token stream and only one conversation is held at a time, so memory does not
 * grow with the file.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import streamArray from 'stream-json/streamers/stream-array.js';
import { isChatGptConversation, readChatGpt } from './chatgpt.js';
import { isClaudeConversation, readClaude } from './claude.js';
import { NotAnExportError, type Conversation, type ExportSource } from './conversation.js';
import { openZippedConversations } from './zip.js';

export type Container = 'json' | 'zip';

const EXPECTED = 'expected a ChatGPT or Claude data export: conversations.json or the export .zip';

/** The container, told from the first bytes; `NotAnExportError` when they fit neither. */
export function detectContainer(head: Buffer): Container {
  if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'zip';
  let text = head.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const first = text.trimStart()[0];
  if (first === '[') return 'json';
  if (first === undefined && head.length < 4096) throw new NotAnExportError(`The file is empty; ${EXPECTED}`);
  if (first === '{') throw new NotAnExportError(`The JSON is an object, not a list of conversations; ${EXPECTED}`);
  throw new NotAnExportError(`The file is neither JSON nor a zip; ${EXPECTED}`);
}

export async function readHead(path: string, bytes = 4096): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await file.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/** One element of the export: a conversation, or why it could not be read. */
export type ExportItem = { conversation: Conversation } | { index: number; error: string };

/** The conversations of the export at `path`, in file order; `format` once the first one is known. */
export async function* readExport(path: string, onFormat: (format: ExportSource) => void): AsyncGenerator<ExportItem> {
  const container = detectContainer(await readHead(path));
  const source: Readable = container === 'zip' ? await openZippedConversations(path) : createReadStream(path);
  const items = streamArray.withParserAsStream();
  source.on('error', (error) => items.destroy(error));
  source.pipe(items);
  let format: ExportSource | undefined;
  try {
    for await (const { key, value } of items as AsyncIterable<{ key: number; value: unknown }>) {
      const item = readItem(key, value);
      if ('conversation' in item && format === undefined) {
        format = item.conversation.source;
        onFormat(format);
      }
      yield item;
    }
  } catch (error) {
    if (error instanceof NotAnExportError) throw error;
    throw new NotAnExportError(`The export could not be read (${(error as Error).message}); ${EXPECTED}`);
  } finally {
    source.destroy();
    items.destroy();
  }
}

function readItem(index: number, value: unknown): ExportItem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { index, error: `item ${index} is not a conversation` };
  const record = value as Record<string, unknown>;
  const conversation = isChatGptConversation(record) ? readChatGpt(record) : isClaudeConversation(record) ? readClaude(record) : undefined;
  if (conversation === undefined) return { index, error: `item ${index} is neither a ChatGPT nor a Claude conversation` };
  if (conversation.id === '') return { index, error: `item ${index} has no conversation id` };
  return { conversation };
}
