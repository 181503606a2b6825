/**
 * Canonical JSON in the manner of RFC 8785 (the JSON Canonicalization Scheme): one byte
 * sequence per JSON value, so that a hash over it does not depend on key order, spacing or
 * number spelling — and so not on how a store happened to serialise the event (PostgreSQL's
 * jsonb reorders keys and respells numbers; EventStoreDB keeps the writer's bytes).
 *
 * - object members sorted by their names' UTF-16 code units, no whitespace;
 * - strings as ECMAScript's JSON.stringify writes them (the escaping RFC 8785 prescribes);
 * - numbers as ECMAScript's Number-to-string (shortest round trip, `1e+30`, `-0` as `0`).
 *
 * Only JSON values are accepted: non-finite numbers, bigints, functions, symbols, undefined
 * (outside objects, where JSON drops it), lone surrogates and non-plain objects (a Date, a
 * Map) throw, because their JSON form would not be what a store gives back.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '');
}

function write(value: unknown, path: string): string {
  switch (typeof value) {
    case 'string':
      return writeString(value, path);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${where(path)}: ${value} has no JSON form`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((item, index) => write(item, `${path}/${index}`)).join(',')}]`;
      return writeObject(value, path);
    default:
      throw new TypeError(`${where(path)}: a ${typeof value} has no JSON form`);
  }
}

function writeObject(value: object, path: string): string {
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) {
    throw new TypeError(`${where(path)}: only plain objects are JSON objects, got ${value.constructor?.name ?? 'an exotic object'}`);
  }
  // Default string comparison is by UTF-16 code units, which is the order RFC 8785 asks for.
  const names = Object.keys(value).sort();
  const members: string[] = [];
  for (const name of names) {
    const member = (value as Record<string, unknown>)[name];
    if (member === undefined) continue;
    members.push(`${writeString(name, path)}:${write(member, `${path}/${name}`)}`);
  }
  return `{${members.join(',')}}`;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function writeString(value: string, path: string): string {
  if (LONE_SURROGATE.test(value)) throw new TypeError(`${where(path)}: a string with a lone surrogate is not valid Unicode`);
  return JSON.stringify(value);
}

function where(path: string): string {
  return path === '' ? 'the value' : `at ${path}`;
}
