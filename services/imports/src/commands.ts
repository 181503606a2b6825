/**
 * The commands an imported conversation becomes. Every id and idempotency key is derived
 * from the user, the source and the conversation (and how many turns were imported), so a
 * second import of the same export, or a restart after a crash, asks for the same things
 * again and the command service answers from what it already did instead of adding to it.
 */
import { createHash } from 'node:crypto';
import { nameBasedUuid } from '@dreamcatcher/command-service';
import type { Conversation } from './conversation.js';
import { conversationUrl, dreamTitle, transcriptParts, type TranscriptPart } from './transcript.js';

/** ImportDream holds at most this many fragments. */
const MAX_FRAGMENTS = 500;

export interface PlannedCommand {
  type: 'ImportDream' | 'AddFragment';
  data: Record<string, unknown>;
  idempotencyKey: string;
}

export function importedDreamId(userId: string, conversation: Pick<Conversation, 'source' | 'id'>): string {
  return nameBasedUuid(`import:${encodeURIComponent(userId)}:${conversation.source}:${encodeURIComponent(conversation.id)}`);
}

function idempotencyKey(userId: string, conversation: Conversation, endTurn: number): string {
  const name = createHash('sha256').update(`${userId}\0${conversation.source}\0${conversation.id}`).digest('base64url');
  return `import-${conversation.source}-${name}-${endTurn}`;
}

function fragment(conversation: Conversation, part: TranscriptPart): Record<string, unknown> {
  const capturedAt = conversation.updatedAt ?? conversation.createdAt;
  return {
    title: part.title,
    content: part.content,
    source: conversation.source,
    url: conversationUrl(conversation),
    mode: 'all',
    codeSnippets: part.codeSnippets,
    ...(capturedAt && { capturedAt }),
  };
}

/**
 * What to send for `conversation` when `importedTurns` of it are already in its dream
 * (0: none, the dream is new): nothing when no turn is new.
 */
export function planConversation(userId: string, conversation: Conversation, importedTurns: number): PlannedCommand[] {
  if (conversation.turns.length <= importedTurns) return [];
  const dreamId = importedDreamId(userId, conversation);
  const parts = transcriptParts(conversation, importedTurns);
  if (importedTurns === 0) {
    if (parts.length > MAX_FRAGMENTS) throw new Error(`the conversation is too long to import (${parts.length} parts of transcript, at most ${MAX_FRAGMENTS})`);
    const dream = {
      id: dreamId,
      title: dreamTitle(conversation),
      tags: ['imported', conversation.source],
      fragments: parts.map((part) => fragment(conversation, part)),
    };
    return [{ type: 'ImportDream', data: { dream }, idempotencyKey: idempotencyKey(userId, conversation, conversation.turns.length) }];
  }
  return parts.map((part) => ({
    type: 'AddFragment',
    data: { dreamId, ...fragment(conversation, part) },
    idempotencyKey: idempotencyKey(userId, conversation, part.endTurn),
  }));
}
