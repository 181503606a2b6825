/**
 * Generators of requests the gateway must refuse: bodies that break the contract (wrong
 * types, unknown or missing fields, oversized values, deep nesting, text PostgreSQL cannot
 * store, broken JSON, bytes that are not UTF-8, bodies that are not JSON at all), headers
 * that are not what they claim, and query parameters out of their domain. A generated body
 * is kept only when the contract itself refuses it (or is refused by construction), so a
 * case that happens to be valid is never sent.
 */
import fc from 'fast-check';
import { commandRoutes, contractRefuses, fillPath, QUERY_ROUTES, type CommandRoute, type QueryRoute } from './routes.js';
import { query } from './raw-http.js';

/** A request the gateway must answer with 4xx, and change nothing. */
export interface BadRequest {
  /** What kind of bad input it is, for the figures. */
  kind: string;
  method: string;
  /** Below the gateway's base URL, query included. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /**
   * The mutation happened to leave the body valid (a removed field was optional, a value of
   * the right type came up): not a bad request, so it is skipped. Marked rather than
   * filtered, because for some routes a mutation can never break the body, and a filter
   * would then search forever.
   */
  acceptable?: boolean;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

function primitivePaths(value: Json, path: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => primitivePaths(item, [...path, index]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => primitivePaths(item, [...path, key]));
  return [path];
}

function setAt(value: Json, path: Path, replacement: Json): Json {
  if (!path.length) return replacement;
  const copy = structuredClone(value) as Record<string | number, Json>;
  let at = copy;
  for (const part of path.slice(0, -1)) at = at[part] as Record<string | number, Json>;
  at[path.at(-1)!] = replacement;
  return copy as Json;
}

function removeAt(value: Json, path: Path): Json {
  const copy = structuredClone(value) as Record<string | number, Json>;
  let at = copy;
  for (const part of path.slice(0, -1)) at = at[part] as Record<string | number, Json>;
  if (Array.isArray(at)) at.splice(Number(path.at(-1)), 1);
  else delete at[path.at(-1)!];
  return copy as Json;
}

const JSON_TYPE = 'application/json';
/** Text PostgreSQL cannot store, as JSON carries it. */
const UNSTORABLE = fc.constantFrom('\u0000', '\ud800', '\udfff', 'a\u0000b', 'emoji \ud83d alone', '\udc00\ud800');
/** Byte sequences that are not UTF-8: a stray continuation, a truncated sequence, an overlong '/', an encoded surrogate, 0xff. */
const NOT_UTF8 = fc.constantFrom([0x80], [0xc3, 0x28], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff, 0xfe], [0xf8, 0x88, 0x80, 0x80, 0x80]);
const MARK = '\u0001FUZZ\u0001';

/** Body mutations of one route that the contract refuses. */
function bodyCases(route: CommandRoute, ids: Record<string, string>): fc.Arbitrary<BadRequest> {
  const base = route.validBody as Json;
  const paths = primitivePaths(base);
  const path = fillPath(route.path, ids).replace(/^\/api\/v1/, '');
  const request = (kind: string, body: string | Buffer, contentType = JSON_TYPE): BadRequest => ({ kind, method: route.method, path, headers: { 'content-type': contentType }, body });
  const mutated = (kind: string) => (value: Json): BadRequest => ({ ...request(kind, JSON.stringify(value)), ...(!contractRefuses(route, value, ids) && { acceptable: true }) });
  const field = paths.length ? fc.constantFrom(...paths) : fc.constant<Path>([]);
  const withRaw = (at: Path, raw: string) => JSON.stringify(setAt(base, at, MARK)).replace(JSON.stringify(MARK), raw);

  const cases: fc.Arbitrary<BadRequest>[] = [
    fc
      .oneof(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }), fc.integer(), fc.string(), fc.boolean(), fc.constant(null))
      .map((value) => request('not an object', JSON.stringify(value))),
    fc
      .tuple(field, fc.jsonValue({ maxDepth: 3 }))
      .map(([at, value]) => setAt(base, at, value as Json))
      .map(mutated('wrong type')),
    fc
      .tuple(fc.string({ minLength: 1, maxLength: 30 }), fc.jsonValue({ maxDepth: 2 }))
      .filter(([key]) => !(key in (route.validBody as object)))
      .map(([key, value]) => ({ ...(route.validBody as object), [key]: value }) as Json)
      .map(mutated('unknown field')),
    fc
      .tuple(field, fc.constantFrom(51, 101, 201, 256, 501, 2_049, 10_001, 200_001), fc.constantFrom('x', '🙂', 'ש'))
      .map(([at, length, unit]) => setAt(base, at, unit.repeat(length)))
      .map(mutated('oversized value')),
    fc
      .tuple(fc.constantFrom('tags', 'features', 'agentsAssigned', 'todos'), fc.integer({ min: 101, max: 400 }))
      .map(([name, count]) => ({ ...(route.validBody as object), [name]: Array.from({ length: count }, (_, index) => (name === 'todos' ? { title: `t${index}` } : `v${index}`)) }) as Json)
      .map(mutated('too many items')),
    fc
      .tuple(field, fc.integer({ min: 64, max: 100_000 }), fc.boolean())
      .map(([at, depth, arrays]) => request('deep nesting', withRaw(at, arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`))),
    fc
      .tuple(field, UNSTORABLE, fc.boolean())
      .map(([at, text, asKey]) => (asKey ? ({ ...(route.validBody as object), [text]: 'x' } as Json) : setAt(base, at, text)))
      .map((body) => request('unstorable text', JSON.stringify(body))),
    fc
      .tuple(fc.nat(), fc.constantFrom('', ',', '}', "'", 'NaN', '/* c */', '\\', '"', 'undefined', ',]'))
      .map(([cut, junk]) => {
        const text = JSON.stringify(base);
        const at = cut % (text.length + 1);
        return `${text.slice(0, at)}${junk}${text.slice(at + (junk ? 0 : 1))}`;
      })
      .map((text) => {
        let parsed: Json;
        try {
          parsed = JSON.parse(text) as Json;
        } catch {
          return request('broken JSON', text);
        }
        return { ...request('broken JSON', text), ...(!contractRefuses(route, parsed, ids) && { acceptable: true }) };
      }),
    fc.tuple(field, NOT_UTF8).map(([at, bytes]) => {
      const [before, after] = JSON.stringify(setAt(base, at, MARK)).split(JSON.stringify(MARK)) as [string, string];
      return request('not UTF-8', Buffer.concat([Buffer.from(`${before}"`), Buffer.from(bytes), Buffer.from(`"${after}`)]));
    }),
    fc
      .constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/json; charset=utf-7')
      .map((type) => request('not JSON', JSON.stringify(base), type)),
    fc
      .constantFrom('gzip', 'deflate', 'br', 'compress', 'x-unknown')
      .map((encoding) => ({ ...request('bad encoding', JSON.stringify(base)), headers: { 'content-type': JSON_TYPE, 'content-encoding': encoding } })),
    fc.integer({ min: 1_048_577, max: 1_300_000 }).map((size) => request('too large', JSON.stringify({ ...(route.validBody as object), padding: 'x'.repeat(size) }))),
  ];
  if (paths.length) {
    cases.push(
      field.map((at) => removeAt(base, at)).map(mutated('missing field')),
    );
  }
  // Broken JSON, not UTF-8, not JSON, bad encodings and oversized bodies are rarer than contract breaches.
  return fc.oneof(...cases.map((arbitrary, index) => ({ arbitrary, weight: index >= 7 && index <= 11 ? 1 : 3 })));
}

/** Malformed command bodies, over every command route of the contract. */
export function malformedBodies(ids: Record<string, string>): fc.Arbitrary<BadRequest> {
  return fc.oneof(...commandRoutes().map((route) => bodyCases(route, ids)));
}

/** Visible ASCII without spaces, as HTTP keeps it (leading and trailing blanks are trimmed away in transit). */
const token = fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.:~!'.split('')), minLength: 1, maxLength: 20 });

/** Valid bodies with headers that are not what they claim. */
export function malformedHeaders(ids: Record<string, string>): fc.Arbitrary<BadRequest> {
  const routes = commandRoutes();
  const idempotencyKey = fc.oneof(
    fc.tuple(token, fc.constantFrom(' ', '\t', 'é', 'ß', '\u00a0', '\u00ff'), token).map(([a, bad, b]) => `${a}${bad}${b}`),
    fc.integer({ min: 201, max: 2_000 }).map((length) => 'k'.repeat(length)),
  );
  const ifMatch = fc.oneof(
    fc.constantFrom('*', '""', '"-1"', '"1.5"', 'W/"x"', '"1" "2"', '"99999999999999999999"', '"9223372036854775808"', '1e3', 'null'),
    token.filter((value) => !/^\d{1,20}$/.test(value)).map((value) => `"${value}"`),
  );
  const authorization = fc.oneof(
    fc.constantFrom('Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer a.b.c', 'Bearer ....', 'ApiKey dc_zzz', 'ApiKey', 'Token abc', 'Bearer x y'),
    token.map((value) => `Bearer ${value}`),
  );
  return fc.tuple(fc.constantFrom(...routes), fc.constantFrom('idempotency-key', 'if-match', 'authorization'), idempotencyKey, ifMatch, authorization).map(([route, header, key, match, auth]) => ({
    kind: `bad ${header}`,
    method: route.method,
    path: fillPath(route.path, ids).replace(/^\/api\/v1/, ''),
    headers: { 'content-type': JSON_TYPE, [header]: header === 'idempotency-key' ? key : header === 'if-match' ? match : auth },
    body: JSON.stringify(route.validBody),
  }));
}

/** A value wrong for a parameter of its kind on every route that reads it. */
function wrongValue(kind: QueryRoute['params'][string]): fc.Arbitrary<string> {
  const long = (min: number) => fc.integer({ min, max: min + 300 }).map((length) => 'q'.repeat(length));
  switch (kind) {
    case 'limit':
      return fc.oneof(fc.constantFrom('0', '-1', '1.5', '1e2', '0x10', 'ten', ' 5', '99999999999999999999'), fc.integer({ min: 1_001, max: 1e9 }).map(String));
    case 'brand':
    case 'status':
      return token.filter((value) => !['personal', 'bc-innovations', 'bc-studio', 'mpgworldwide', 'accordingto', 'idea', 'in_progress', 'completed', 'archived'].includes(value));
    case 'tag':
      return fc.oneof(long(51), fc.constant('tag\u0000'));
    case 'q':
      return fc.oneof(long(201), fc.constant('habit\u0000'));
    case 'cursor':
      return fc.oneof(token, fc.constantFrom('eyJ4IjoxfQ', Buffer.from('["1","3f6c2a1e-8b4d-4c7a-9e21-5d0f7b8a9c14"]').toString('base64url')));
    case 'position':
      return fc.constantFrom('-1', 'abc', '1.0', '99999999999999999999', '9223372036854775808', ' 1', '0x1');
    case 'at':
      return token.filter((value) => Number.isNaN(Date.parse(value)));
  }
}

/** Query strings with a parameter out of its domain, repeated, or a required one missing. */
export function malformedQueries(ids: Record<string, string>): fc.Arbitrary<BadRequest> {
  return fc.constantFrom(...QUERY_ROUTES).chain((route) => {
    const names = Object.keys(route.params);
    const path = fillPath(route.path, ids).replace(/^\/api\/v1/, '');
    const required = (route.required ?? []).map((name): [string, string] => [name, 'habit']);
    const wrong = fc
      .constantFrom(...names)
      .chain((name) => wrongValue(route.params[name]!).map((value): [string, string][] => [...required.filter(([other]) => other !== name), [name, value]]));
    const repeated = fc.constantFrom(...names).map((name): [string, string][] => [...required.filter(([other]) => other !== name), [name, route.params[name] === 'q' ? 'a' : '1'], [name, route.params[name] === 'q' ? 'b' : '2']]);
    const cases = [wrong.map((params) => ({ kind: 'bad query value', params })), repeated.map((params) => ({ kind: 'repeated query parameter', params }))];
    if (route.required?.length) cases.push(fc.constant({ kind: 'missing query parameter', params: [] as [string, string][] }));
    return fc.oneof(...cases).map(({ kind, params }) => ({ kind, method: 'GET', path: `${path}${query(params)}`, headers: {} }));
  });
}

/** `X-Min-Position` values that are not positions, on the routes that honour it. */
export function malformedMinPositions(): fc.Arbitrary<BadRequest> {
  return fc
    .tuple(fc.constantFrom('/dreams', '/sync/status', '/me/activity', '/brands', '/tags'), fc.constantFrom('-1', 'soon', '1.5', '0x10', '99999999999999999999', '1 2', 'NaN'))
    .map(([path, value]) => ({ kind: 'bad x-min-position', method: 'GET', path, headers: { 'x-min-position': value } }));
}
