/** One conversation of an export, reduced to what a dream keeps of it. */
export type ExportSource = 'chatgpt' | 'claude';

export interface Turn {
  role: 'user' | 'assistant';
  text: string;
}

export interface Conversation {
  source: ExportSource;
  /** The export's own id of the conversation (ChatGPT `id`, Claude `uuid`). */
  id: string;
  title: string;
  createdAt?: string;
  updatedAt?: string;
  /** The turns in order; empty for a conversation with nothing to import. */
  turns: Turn[];
}

/** An export time as ISO 8601: ChatGPT writes epoch seconds, Claude writes ISO strings. */
export function isoTime(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value * 1000).toISOString();
  if (typeof value === 'string') {
    const time = Date.parse(value);
    if (!Number.isNaN(time)) return new Date(time).toISOString();
  }
  return undefined;
}

export function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A file that is no export we know; the message names what was expected. */
export class NotAnExportError extends Error {}
