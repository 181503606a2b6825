/**
 * A ChatGPT `conversations.json` entry: messages form a tree in `mapping` (editing a
 * message starts a new branch); only the branch that ends at `current_node` is what the
 * user last saw, so that is the one imported, walked from the leaf up through `parent`.
 */
import { isoTime, text, type Conversation, type Turn } from './conversation.js';

type Node = { parent?: unknown; message?: Message | null };
type Message = {
  author?: { role?: unknown };
  content?: { content_type?: unknown; parts?: unknown; text?: unknown };
  metadata?: { is_visually_hidden_from_conversation?: unknown };
};

export function isChatGptConversation(value: Record<string, unknown>): boolean {
  return typeof value.mapping === 'object' && value.mapping !== null;
}

export function readChatGpt(value: Record<string, unknown>): Conversation {
  const mapping = value.mapping as Record<string, Node | undefined>;
  const turns: Turn[] = [];
  const seen = new Set<string>();
  let nodeId = typeof value.current_node === 'string' ? value.current_node : undefined;
  // `seen` guards against a malformed export whose parents form a cycle.
  while (nodeId !== undefined && !seen.has(nodeId)) {
    seen.add(nodeId);
    const node = mapping[nodeId];
    if (node === undefined) break;
    const turn = node.message ? messageTurn(node.message) : undefined;
    if (turn) turns.push(turn);
    nodeId = typeof node.parent === 'string' ? node.parent : undefined;
  }
  turns.reverse();
  return {
    source: 'chatgpt',
    id: text(value.conversation_id) || text(value.id),
    title: text(value.title).trim(),
    createdAt: isoTime(value.create_time),
    updatedAt: isoTime(value.update_time),
    turns,
  };
}

function messageTurn(message: Message): Turn | undefined {
  const role = message.author?.role;
  if (role !== 'user' && role !== 'assistant') return undefined; // system and tool messages
  if (message.metadata?.is_visually_hidden_from_conversation === true) return undefined;
  const content = message.content ?? {};
  const pieces: string[] = [];
  if (Array.isArray(content.parts)) {
    for (const part of content.parts) pieces.push(partText(part));
  } else if (typeof content.text === 'string') {
    pieces.push(content.text);
  }
  const body = pieces.filter((piece) => piece.trim() !== '').join('\n').trim();
  return body === '' ? undefined : { role, text: body };
}

/** Text stays; anything else is named so the transcript says what was left out. */
function partText(part: unknown): string {
  if (typeof part === 'string') return part;
  if (typeof part === 'object' && part !== null) {
    const kind = text((part as { content_type?: unknown }).content_type);
    if (kind.includes('image')) return '[image]';
    if (kind.includes('audio')) return '[audio]';
    if (typeof (part as { text?: unknown }).text === 'string') return (part as { text: string }).text;
    return kind === '' ? '[attachment]' : `[${kind}]`;
  }
  return '';
}
