/**
 * The one rule for ids as they enter the system.
 *
 * Entity ids (dreams, fragments, todos, documents) are UUIDs, which RFC 9562 compares
 * without regard to case; the read models store them as `uuid`, the event store keys
 * streams by text. So an id is made canonical (lower case) wherever it enters, or two
 * spellings of one dream would be two streams but one row.
 *
 * User ids are opaque text chosen by the identity provider (a JWT `sub`), compared
 * exactly; they must be text every store keeps as given: no NUL (PostgreSQL refuses it),
 * no lone surrogate (stored as U+FFFD, which would merge two users), no control character.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Longest user id accepted, in UTF-16 code units. */
export const MAX_USER_ID_LENGTH = 200;

/** Whether `value` is a UUID in either case. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** Whether `value` is a UUID in its canonical (lower-case) spelling. */
export function isCanonicalUuid(value: unknown): value is string {
  return isUuid(value) && value === value.toLowerCase();
}

/** A UUID in its canonical spelling; anything else is returned unchanged (validation reports it). */
export function canonicalId<T>(value: T): T {
  return (isUuid(value) ? value.toLowerCase() : value) as T;
}

/** Field names that hold an entity id: `id` and every `...Id`. */
export function isIdField(name: string): boolean {
  return name === 'id' || /[a-z]Id$/.test(name);
}

/**
 * `data` with every UUID held by an id field (at any depth: an import's dream, a
 * replacement list's todos) in canonical spelling. Other values are kept as they are.
 */
export function canonicalIds<T>(data: T): T {
  if (Array.isArray(data)) return data.map((item) => canonicalIds(item)) as T;
  if (typeof data !== 'object' || data === null) return data;
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [key, isIdField(key) && typeof value === 'string' ? canonicalId(value) : canonicalIds(value)]),
  ) as T;
}

// C0 and C1 controls and DEL; lone surrogates are checked separately.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `value` cannot be a user id, or undefined when it can. */
export function userIdProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return 'must be a non-empty string';
  if (value.length > MAX_USER_ID_LENGTH) return `must be at most ${MAX_USER_ID_LENGTH} characters`;
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode (no lone surrogate)';
  if (CONTROL.test(value)) return 'must not contain control characters';
  if (value.trim().length === 0) return 'must not be blank';
  return undefined;
}

/** Whether `value` is a well-formed, storable user id. */
export function isUserId(value: unknown): value is string {
  return userIdProblem(value) === undefined;
}
