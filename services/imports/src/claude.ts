/** A Claude `conversations.json` entry: a flat `chat_messages` list of human/assistant turns. */
import { isoTime, text, type Conversation, type Turn } from './conversation.js';

type ClaudeMessage = { sender?: unknown; text?: unknown; content?: unknown; attachments?: unknown; files?: unknown };

export function isClaudeConversation(value: Record<string, unknown>): boolean {
  return Array.isArray(value.chat_messages);
}

export function readClaude(value: Record<string, unknown>): Conversation {
  const turns: Turn[] = [];
  for (const message of value.chat_messages as ClaudeMessage[]) {
    if (typeof message !== 'object' || message === null) continue;
    const role = message.sender === 'human' ? 'user' : message.sender === 'assistant' ? 'assistant' : undefined;
    if (role === undefined) continue;
    const body = [messageText(message), ...leftOut(message)].filter((piece) => piece !== '').join('\n').trim();
    if (body !== '') turns.push({ role, text: body });
  }
  return {
    source: 'claude',
    id: text(value.uuid),
    title: text(value.name).trim(),
    createdAt: isoTime(value.created_at),
    updatedAt: isoTime(value.updated_at),
    turns,
  };
}

function messageText(message: ClaudeMessage): string {
  if (Array.isArray(message.content)) {
    const parts = message.content
      .map((part: { type?: unknown; text?: unknown }) =>
        part?.type === 'text' ? text(part.text) : part?.type === 'image' ? '[image]' : '',
      )
      .filter((piece: string) => piece.trim() !== '');
    if (parts.length > 0) return parts.join('\n');
  }
  return text(message.text).trim();
}

/** Attached files are not imported; the transcript names them. */
function leftOut(message: ClaudeMessage): string[] {
  const named: string[] = [];
  for (const list of [message.attachments, message.files]) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const name = text((item as { file_name?: unknown })?.file_name);
      named.push(name === '' ? '[attachment]' : `[attachment: ${name}]`);
    }
  }
  return named;
}
