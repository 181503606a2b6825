/**
 * Checks an HTTP answer against the OpenAPI document: the operation its method and path
 * name, the response documented for its status, that response's body schema (compiled once,
 * in the package's ajv instance, so bundled `#/components/schemas/<Title>` references resolve
 * to the schema files) and its documented headers. Tests pass every answer they receive
 * through this, so a shape that changes without the contract changing fails them.
 */
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { Violation } from '@dreamcatcher/service-kit/errors';
import { openApiDocument } from './openapi.js';
import { compileSchema, schemaFiles, validatorFor } from './validation/ajv-cache.js';
import { toViolations } from './validation/violations.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What the document says one operation answers with one status. */
export interface ResponseContract {
  operationId: string;
  /** The OpenAPI path template the request matched, e.g. `/api/v1/dreams/{id}`. */
  pathTemplate: string;
  /** The response key that matched: the status itself, `4XX`, or `default`. */
  statusKey: string;
  /** Media types the response may have; empty for an answer without a body (204, 101). */
  mediaTypes: string[];
  /** Headers the response documents; `required` ones must be present. */
  headers: { name: string; required: boolean }[];
}

export interface HttpAnswer {
  method: string;
  /** The request path, with or without a query string: `/api/v1/dreams/<uuid>?limit=2`. */
  path: string;
  status: number;
  /** Response headers; a `Headers` object or a plain record. */
  headers?: Headers | Record<string, string | undefined>;
  /** The parsed JSON body, the text of a body of another media type, or `undefined` when there was none. */
  body?: unknown;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

let document: Json | undefined;
const compiled = new Map<string, ValidateFunction>();

const doc = (): Json => (document ??= openApiDocument() as Json);

/** Follows a local `$ref` (`#/components/responses/NotFound`) in the bundled document. */
function deref(node: Json): Json {
  let current = node;
  for (let hops = 0; typeof current.$ref === 'string' && hops < 10; hops++) {
    const ref: string = current.$ref;
    current = ref
      .slice(2)
      .split('/')
      .reduce((at: Json | undefined, key) => at?.[key.replaceAll('~1', '/').replaceAll('~0', '~')], doc()) as Json;
    if (current === undefined) throw new Error(`unresolved $ref ${ref} in the OpenAPI document`);
  }
  return current;
}

/** The operation of `method` whose template matches `path`; literal segments win over parameters. */
function findOperation(method: string, path: string): { template: string; operation: Json } | undefined {
  const pathname = path.split('?')[0]!.replace(/\/+$/, '') || '/';
  const verb = method.toLowerCase();
  const candidates = Object.entries(doc().paths as Json)
    .filter(([template, item]) => METHODS.includes(verb) && item[verb] && templateRegExp(template).test(pathname))
    .sort(([a], [b]) => literalSegments(b) - literalSegments(a));
  const [template, item] = candidates[0] ?? [];
  return template ? { template, operation: item[verb] as Json } : undefined;
}

const templateRegExp = (template: string) => new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
const literalSegments = (template: string) => template.split('/').filter((segment) => segment && !segment.startsWith('{')).length;

/** Rewrites the bundle's `#/components/schemas/<Title>...` references to the schema files' `$id`s. */
function toPackageRefs(node: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(node)) return node.map((item) => toPackageRefs(item, ids));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => {
      if (key !== '$ref' || typeof value !== 'string') return [key, toPackageRefs(value, ids)];
      const [, title = '', pointer = ''] = /^#\/components\/schemas\/([^/]+)(.*)$/.exec(value) ?? [];
      const id = ids.get(title);
      if (!id) throw new Error(`OpenAPI schema reference ${value} names no schema file`);
      return [key, pointer ? `${id}#${pointer}` : id];
    }),
  );
}

/** The validator of a schema from the bundled document, compiled on first use. */
function validatorOf(cacheKey: string, schema: Json): ValidateFunction {
  const cached = compiled.get(cacheKey);
  if (cached) return cached;
  const ids = new Map(schemaFiles().map((file) => [String(file.schema.title), String(file.schema.$id)]));
  const whole = /^#\/components\/schemas\/([^/]+)$/.exec(String(schema.$ref ?? ''));
  const validate = whole && Object.keys(schema).length === 1 && ids.has(whole[1]!) ? validatorFor(ids.get(whole[1]!)!) : compileSchema(toPackageRefs(schema, ids) as Json);
  compiled.set(cacheKey, validate);
  return validate;
}

function responseFor(method: string, path: string, status: number): { contract: ResponseContract; response: Json } | Violation {
  const found = findOperation(method, path);
  if (!found) return { path: '', message: `${method.toUpperCase()} ${path} is no operation of the OpenAPI document` };
  const responses = (found.operation.responses ?? {}) as Json;
  const statusKey = [String(status), `${String(status)[0]}XX`, 'default'].find((key) => key in responses);
  const operationId = String(found.operation.operationId);
  if (!statusKey) {
    return { path: '', message: `${operationId} (${method.toUpperCase()} ${found.template}) answered ${status}, which the OpenAPI document does not list (it lists ${Object.keys(responses).join(', ')})` };
  }
  const response = deref(responses[statusKey] as Json);
  const headers = Object.entries((response.headers ?? {}) as Json).map(([name, header]) => ({ name, required: deref(header as Json).required === true }));
  return { contract: { operationId, pathTemplate: found.template, statusKey, mediaTypes: Object.keys(response.content ?? {}), headers }, response };
}

/**
 * What the OpenAPI document says `method path` answers with `status`, or undefined when it
 * does not document that operation or status.
 */
export function responseContract(method: string, path: string, status: number): ResponseContract | undefined {
  const found = responseFor(method, path, status);
  return 'contract' in found ? found.contract : undefined;
}

const headerOf = (headers: HttpAnswer['headers'], name: string): string | undefined =>
  headers === undefined ? undefined : headers instanceof Headers ? (headers.get(name) ?? undefined) : Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

/**
 * Every way an answer departs from the OpenAPI document: an undocumented operation or status,
 * a body that does not match the response's schema (paths under `/body`), a missing required
 * header or a header value off its schema (under `/headers/<name>`), or a `Content-Type` the
 * response does not declare. Empty when the answer is as documented.
 */
export function validateHttpResponse(answer: HttpAnswer): Violation[] {
  const { method, path, status, headers, body } = answer;
  const found = responseFor(method, path, status);
  if (!('contract' in found)) return [found];
  const { contract, response } = found;
  const key = `${contract.operationId} ${contract.statusKey}`;
  const violations: Violation[] = [];

  for (const { name, required } of contract.headers) {
    const value = headerOf(headers, name);
    if (value === undefined) {
      if (required) violations.push({ path: `/headers/${name}`, message: 'is required by the OpenAPI document but missing' });
      continue;
    }
    const schema = deref(deref((response.headers as Json)[name] as Json).schema ?? {});
    const typed = schema.type === 'integer' || schema.type === 'number' ? (/^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value) : value;
    const validate = validatorOf(`${key} header ${name}`, schema);
    if (!validate(typed)) violations.push(...toViolations(validate.errors).map((v) => ({ path: `/headers/${name}${v.path}`, message: v.message })));
  }

  const contentType = headerOf(headers, 'content-type')?.split(';')[0]?.trim();
  if (contract.mediaTypes.length === 0) {
    if (body !== undefined) violations.push({ path: '/body', message: `must be empty (${contract.operationId} documents no body for ${status})` });
    return violations;
  }
  if (contentType !== undefined && !contract.mediaTypes.includes(contentType)) {
    violations.push({ path: '/headers/Content-Type', message: `must be one of: ${contract.mediaTypes.join(', ')}` });
  }
  // Only JSON bodies have a schema to check; others (an event stream, metrics) are checked by media type.
  const json = (response.content as Json)['application/json'] as Json | undefined;
  if (json?.schema && (contentType === undefined || contentType === 'application/json')) {
    const validate = validatorOf(`${key} body`, json.schema as Json);
    if (!validate(body)) violations.push(...toViolations(validate.errors).map((v) => ({ path: `/body${v.path}`, message: v.message })));
  }
  return violations;
}
