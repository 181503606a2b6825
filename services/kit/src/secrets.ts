/**
 * How strong a production secret is. A secret an attacker can guess (a development
 * default, a short word, 32 copies of one character) lets them sign tokens or call the
 * command service, so production refuses it at start. Strength is estimated from the
 * characters themselves: the length times the Shannon entropy of their distribution, which
 * a repeated or two-letter pattern cannot inflate however long it is.
 */

/** Secrets that are fine on a laptop and never in production. */
export const DEVELOPMENT_SECRETS = new Set(['dev-secret-change-me', 'development', 'secret', 'changeme']);

export const MIN_SECRET_LENGTH = 32;
/** 32 random hex digits estimate at about 110 bits; a random base64 secret of 32 bytes at about 230. */
export const MIN_SECRET_BITS = 96;
export const MIN_DISTINCT_CHARACTERS = 10;

/** Length times the Shannon entropy (bits per character) of the secret's characters. */
export function estimatedBits(secret: string): number {
  const characters = [...secret];
  const counts = new Map<string, number>();
  for (const character of characters) counts.set(character, (counts.get(character) ?? 0) + 1);
  let perCharacter = 0;
  for (const count of counts.values()) {
    const p = count / characters.length;
    perCharacter -= p * Math.log2(p);
  }
  return characters.length * perCharacter;
}

/**
 * Why `secret` is too weak for production, naming `name` and never the value; undefined
 * when it is strong enough.
 */
export function secretWeakness(name: string, secret: string, { minLength = MIN_SECRET_LENGTH, developmentValues = [] as string[] } = {}): string | undefined {
  if (DEVELOPMENT_SECRETS.has(secret) || developmentValues.includes(secret)) return `${name} is a development secret; production refuses it`;
  if ([...secret].length < minLength) return `${name} must be at least ${minLength} characters in production`;
  const distinct = new Set(secret).size;
  const bits = Math.floor(estimatedBits(secret));
  if (distinct < MIN_DISTINCT_CHARACTERS || bits < MIN_SECRET_BITS) {
    return `${name} is too predictable for production (${distinct} distinct characters, about ${bits} bits; needs ${MIN_DISTINCT_CHARACTERS} and ${MIN_SECRET_BITS}): use a random value, e.g. openssl rand -base64 32`;
  }
  return undefined;
}
