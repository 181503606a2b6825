/**
 * A valid fragment (200,000 characters, the content limit) whose full tsvector would exceed
 * PostgreSQL's 1 MB: distinct hyphenated words of supplementary-plane letters (CJK Extension B),
 * each indexed as the compound and as each of its parts. `lead` comes first, so it stays
 * searchable within the indexed prefix.
 */
const LETTERS = 42_720;
const FIRST = 0x20000;
export const POISON_CHARS = 200_000;

function part(index: number): string {
  return String.fromCodePoint(FIRST + (index % LETTERS), FIRST + 1 + Math.floor(index / LETTERS) * 7);
}

export function poisonText(lead = ''): string {
  const words: string[] = lead ? [lead] : [];
  let length = lead.length ? [...lead].length : -1;
  for (let index = 0; ; index += 3) {
    const word = `${part(index)}-${part(index + 1)}-${part(index + 2)}`;
    // Each word is 8 code points, plus the space before it.
    if (length + 9 > POISON_CHARS) break;
    words.push(word);
    length += 9;
  }
  return words.join(' ');
}
