/**
 * What a conversation becomes: the dream's fields and its transcript fragments.
 *
 * A fragment's content is bounded (200 000 characters), so a long run of turns is cut
 * between turns into several fragments; each is named by the turn it ends at, which is
 * what makes a re-import of the same turns the same fragment.
 */
import type { Conversation, Turn } from './conversation.js';

const MAX_CONTENT = 200_000;
const MAX_SNIPPETS = 100;
const MAX_CODE = 100_000;
const MAX_TITLE = 500;
const SHORT_TITLE = 80;

export interface CodeSnippet {
  language: string;
  code: string;
}

export interface TranscriptPart {
  /** The number of turns of the conversation up to and including this part. */
  endTurn: number;
  title: string;
  content: string;
  codeSnippets: CodeSnippet[];
}

export function conversationUrl(conversation: Conversation): string {
  const id = encodeURIComponent(conversation.id);
  return conversation.source === 'chatgpt' ? `https://chatgpt.com/c/${id}` : `https://claude.ai/chat/${id}`;
}

/** The conversation's title, else its first user message shortened; at least 3 characters. */
export function dreamTitle(conversation: Conversation): string {
  const firstUser = conversation.turns.find((turn) => turn.role === 'user')?.text ?? '';
  let title = conversation.title || shorten(firstUser.replace(/\s+/g, ' ').trim(), SHORT_TITLE);
  if (title.length > MAX_TITLE) title = shorten(title, MAX_TITLE);
  return title.length >= 3 ? title : `Imported ${conversation.source} conversation`;
}

function shorten(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1).trimEnd()}…`;
}

function turnText(turn: Turn): string {
  return `${turn.role === 'user' ? 'User' : 'Assistant'}: ${turn.text}`;
}

/** Turns `from`..end of the conversation as transcript parts, each within the content bound. */
export function transcriptParts(conversation: Conversation, from = 0): TranscriptPart[] {
  const parts: TranscriptPart[] = [];
  let pieces: string[] = [];
  let length = 0;
  const flush = (endTurn: number) => {
    if (pieces.length === 0) return;
    const content = pieces.join('\n\n');
    parts.push({ endTurn, title: dreamTitle(conversation), content, codeSnippets: codeSnippets(content) });
    pieces = [];
    length = 0;
  };
  conversation.turns.slice(from).forEach((turn, index) => {
    let piece = turnText(turn);
    if (piece.length > MAX_CONTENT) piece = `${piece.slice(0, MAX_CONTENT - 20)}\n[turn cut short]`;
    if (length + piece.length + 2 > MAX_CONTENT) flush(from + index);
    pieces.push(piece);
    length += piece.length + 2;
  });
  flush(conversation.turns.length);
  return parts;
}

const FENCE = /```([^\n`]*)\n([\s\S]*?)```/g;

/** Fenced code blocks of a transcript, in our `{ language, code }` shape. */
export function codeSnippets(content: string): CodeSnippet[] {
  const snippets: CodeSnippet[] = [];
  for (const match of content.matchAll(FENCE)) {
    if (snippets.length === MAX_SNIPPETS) break;
    const code = match[2]!.replace(/\n$/, '');
    if (code.trim() === '') continue;
    const language = (match[1]!.trim().split(/\s+/)[0] ?? '').toLowerCase().slice(0, 50) || 'text';
    snippets.push({ language, code: code.slice(0, MAX_CODE) });
  }
  return snippets;
}
