/**
 * Search snippets come from `ts_headline`, which marks matches but does not escape the
 * captured text around them (a fragment may well contain HTML). It marks with two control
 * characters instead; the text is then escaped and the marks become `<mark>` tags, so a
 * snippet is safe to render as HTML.
 */
export const MATCH_START = '\u0002';
export const MATCH_END = '\u0003';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function snippetHtml(headline: string): string {
  return headline
    .replace(/[&<>"']/g, (char) => ESCAPES[char]!)
    .replaceAll(MATCH_START, '<mark>')
    .replaceAll(MATCH_END, '</mark>');
}
