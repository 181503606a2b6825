/** Pure pieces of turning an HTTP request into a command: data, roles, preconditions. */
import { canonicalId, COMMAND_TYPES, type CommandType } from '@dreamcatcher/contracts';
import { ValidationError, type Violation } from '@dreamcatcher/service-kit/errors';
import type { Role } from '../auth/roles.js';

const USER: Role[] = ['user', 'admin'];
const INTEGRATION: Role[] = ['integration', 'admin'];

/**
 * Who may send each command. Auditors send none; reports from PipelineOS are for
 * integrations. Ownership is the command service's to check (404 for others' dreams).
 */
export const COMMAND_ROLES: Record<CommandType, Role[]> = Object.fromEntries(
  COMMAND_TYPES.map((type) => [type, type === 'ReportSync' || type === 'CompleteImplementation' ? INTEGRATION : USER]),
) as Record<CommandType, Role[]>;

/**
 * The command data: the JSON body merged with the ids from the path. The path is
 * authoritative; a body naming a different id is refused rather than silently overridden.
 */
export function commandData(body: unknown, ids: Record<string, string>): Record<string, unknown> {
  if (body === undefined || body === null) return { ...ids };
  if (typeof body !== 'object' || Array.isArray(body)) throw new ValidationError('Request body must be a JSON object', [{ path: '', message: 'must be object' }]);
  const violations: Violation[] = [];
  for (const [field, id] of Object.entries(ids)) {
    const given = (body as Record<string, unknown>)[field];
    if (given !== undefined && (typeof given !== 'string' || canonicalId(given) !== id)) {
      violations.push({ path: `/${field}`, message: 'must match the id in the path' });
    }
  }
  if (violations.length) throw new ValidationError('Body and path disagree', violations);
  return { ...(body as Record<string, unknown>), ...ids };
}

const ENTITY_TAG = /^(?:W\/)?"(\d{1,20})"$/;

/** `If-Match: "<revision>"` -> the revision as a decimal string; absent -> undefined. */
export function expectedRevisionFrom(ifMatch: string | undefined): string | undefined {
  if (ifMatch === undefined) return undefined;
  const match = ENTITY_TAG.exec(ifMatch.trim()) ?? /^(\d{1,20})$/.exec(ifMatch.trim());
  if (!match) throw new ValidationError('If-Match must be an entity tag "<revision>"', [{ path: '/headers/if-match', message: 'must be "<revision>"' }]);
  return BigInt(match[1]!).toString();
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** `Idempotency-Key`: 1..200 visible ASCII characters. */
export function idempotencyKeyFrom(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(value)) {
    throw new ValidationError('Idempotency-Key must be 1 to 200 visible ASCII characters', [{ path: '/headers/idempotency-key', message: 'must be 1..200 visible ASCII characters' }]);
  }
  return value;
}

/** `ETag` of a command's answer: the service's own, else one made from the revision. */
export function entityTag(headers: Record<string, string>, body: unknown): string | undefined {
  if (headers.etag) return headers.etag;
  const revision = (body as { revision?: unknown } | null)?.revision;
  return typeof revision === 'string' || typeof revision === 'number' ? `"${revision}"` : undefined;
}
