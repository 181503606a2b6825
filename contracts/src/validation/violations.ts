import type { ErrorObject } from 'ajv/dist/2020.js';
import type { Violation } from '@dreamcatcher/service-kit/errors';

const FORMATS: Record<string, string> = {
  uuid: 'a UUID',
  uri: 'an absolute URL (with a scheme, e.g. https://...)',
  'date-time': 'a date-time (RFC 3339, e.g. 2025-03-14T09:26:53Z)',
  date: 'a date (YYYY-MM-DD)',
};

/** Patterns used by the schemas, said in words. */
const PATTERNS: Record<string, string> = {
  '^[a-z0-9][a-z0-9._-]{0,49}$': 'must be a lowercase platform id (a-z, 0-9, ".", "_", "-"; at most 50 characters), e.g. chatgpt',
  '^(0|[1-9][0-9]{0,19})$': 'must be a non-negative whole number written as a decimal string',
  '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$': 'must be a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)',
  '^[A-Z][A-Za-z0-9]{0,99}$': 'must be a PascalCase type name, e.g. FragmentCaptured',
};

const TYPES: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

/**
 * Turns ajv's errors into violations people can act on: each located by a JSON Pointer to the
 * offending value (a missing or unexpected property points at the property itself) and
 * phrased in words. `anyOf` failures are folded into one violation instead of one per branch.
 */
export function toViolations(errors: readonly ErrorObject[] | null | undefined): Violation[] {
  const pending: ErrorObject[] = [];
  const out: Violation[] = [];
  // A value of the wrong type also fails its enum, pattern, ...; the type is all that matters.
  const wrongType = new Set((errors ?? []).filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  for (const error of errors ?? []) {
    if (wrongType.has(error.instancePath) && error.keyword !== 'type') continue;
    if (error.keyword !== 'anyOf') {
      pending.push(error);
      continue;
    }
    // ajv reports the branches' errors just before the anyOf error that owns them.
    const branches = pending.filter((e) => e.schemaPath.startsWith(`${error.schemaPath}/`) && within(e.instancePath, error.instancePath));
    pending.splice(0, pending.length, ...pending.filter((e) => !branches.includes(e)));
    out.push(...pending.splice(0).map(describe), { path: error.instancePath, message: anyOfMessage(branches) });
  }
  out.push(...pending.map(describe));
  return dedupe(out);
}

function describe(error: ErrorObject): Violation {
  const at = error.instancePath;
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: child(at, String(p.missingProperty)), message: `must have required property '${String(p.missingProperty)}'` };
    case 'additionalProperties':
      return { path: child(at, String(p.additionalProperty)), message: 'is not allowed' };
    case 'type':
      return { path: at, message: `must be ${String(p.type).split(',').map((t) => TYPES[t] ?? t).join(' or ')}` };
    case 'enum':
      return { path: at, message: `must be one of: ${(p.allowedValues as unknown[]).map(String).join(', ')}` };
    case 'const':
      return { path: at, message: `must be ${JSON.stringify(p.allowedValue)}` };
    case 'minLength':
    case 'maxLength':
      return { path: at, message: `must have at ${error.keyword === 'minLength' ? 'least' : 'most'} ${count(p.limit, 'character')}` };
    case 'minItems':
    case 'maxItems':
      return { path: at, message: `must have at ${error.keyword === 'minItems' ? 'least' : 'most'} ${count(p.limit, 'item')}` };
    case 'minProperties':
    case 'maxProperties':
      return { path: at, message: `must have at ${error.keyword === 'minProperties' ? 'least' : 'most'} ${count(p.limit, 'property', 'properties')}` };
    case 'minimum':
    case 'maximum':
      return { path: at, message: `must be at ${error.keyword === 'minimum' ? 'least' : 'most'} ${String(p.limit)}` };
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path: at, message: `must be ${error.keyword === 'exclusiveMinimum' ? 'greater' : 'less'} than ${String(p.limit)}` };
    case 'pattern':
      return { path: at, message: PATTERNS[String(p.pattern)] ?? `must match the pattern ${String(p.pattern)}` };
    case 'format':
      return { path: at, message: `must be ${FORMATS[String(p.format)] ?? `a valid ${String(p.format)}`}` };
    case 'discriminator':
      return discriminator(error, p);
    default:
      return { path: at, message: error.message ?? `must be valid (${error.keyword})` };
  }
}

/** A tagged union (`ReportSync.status`, `SyncSession` command `type`): say which tags exist. */
function discriminator(error: ErrorObject, p: Record<string, unknown>): Violation {
  const tag = String(p.tag);
  const path = child(error.instancePath, tag);
  const data = error.data as Record<string, unknown> | undefined;
  if (data?.[tag] === undefined) return { path, message: `must have required property '${tag}'` };
  const branches = ((error.parentSchema as { oneOf?: unknown[] } | undefined)?.oneOf ?? []) as {
    properties?: Record<string, { const?: unknown }>;
  }[];
  const tags = branches.map((branch) => branch.properties?.[tag]?.const).filter((value) => value !== undefined);
  return { path, message: tags.length ? `must be one of: ${tags.map(String).join(', ')}` : `must be a known ${tag}` };
}

function anyOfMessage(branches: readonly ErrorObject[]): string {
  if (branches.length && branches.every((e) => e.keyword === 'required')) {
    return `must have at least one of: ${branches.map((e) => String(e.params.missingProperty)).join(', ')}`;
  }
  const messages = [...new Set(branches.map((e) => describe(e).message))];
  if (messages.length && messages.every((m) => m.startsWith('must be '))) {
    return `must be ${messages.map((m) => m.slice('must be '.length)).join(' or ')}`;
  }
  return messages.length ? messages.join(', or ') : 'must match one of the allowed forms';
}

function child(path: string, property: string): string {
  return `${path}/${property.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

/** Whether `path` is `parent` or lies below it (JSON Pointers). */
function within(path: string, parent: string): boolean {
  return path === parent || path.startsWith(`${parent}/`);
}

function count(limit: unknown, singular: string, plural = `${singular}s`): string {
  return `${String(limit)} ${limit === 1 ? singular : plural}`;
}

function dedupe(violations: readonly Violation[]): Violation[] {
  const seen = new Set<string>();
  return violations.filter((v) => {
    const key = `${v.path}\u0000${v.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
