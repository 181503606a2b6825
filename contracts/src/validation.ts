import { ValidationError, type Violation } from '@dreamcatcher/service-kit/errors';
import { COMMAND_TYPES, EVENT_TYPES, USER_EVENT_TYPES, type CommandType, type EventType, type UserEventType } from './catalogue.js';
import type { CommandDataByType } from './generated/commands.js';
import { schemaId } from './schema-files.js';
import { hasSchema, schemaFiles, validatorFor } from './validation/ajv-cache.js';
import { toViolations } from './validation/violations.js';

export type { Violation } from '@dreamcatcher/service-kit/errors';

const eventTypes: ReadonlySet<string> = new Set(EVENT_TYPES);
const userEventTypes: ReadonlySet<string> = new Set(USER_EVENT_TYPES);
const commandTypes: ReadonlySet<string> = new Set(COMMAND_TYPES);

export function isEventType(type: unknown): type is EventType {
  return typeof type === 'string' && eventTypes.has(type);
}

/** Whether `type` is an event about a user (stream `user-<userId>`), such as `UserDataErased`. */
export function isUserEventType(type: unknown): type is UserEventType {
  return typeof type === 'string' && userEventTypes.has(type);
}

const hasEventSchema = (type: string, version: number) => (isEventType(type) || isUserEventType(type)) && hasSchema(schemaId('events', type, version));

export function isCommandType(type: unknown): type is CommandType {
  return typeof type === 'string' && commandTypes.has(type);
}

function check(id: string, value: unknown): Violation[] {
  const validate = validatorFor(id);
  return validate(value) ? [] : toViolations(validate.errors);
}

/** Violations of an event's data against `events/<type>.v<version>.schema.json` (empty when valid). */
export function validateEvent(type: string, version: number, data: unknown): Violation[] {
  if (!hasEventSchema(type, version)) return [{ path: '', message: `no schema for event type ${type} version ${version}` }];
  return check(schemaId('events', type, version), data);
}

/** Violations of a command's data (HTTP body merged with path ids) against its schema. */
export function validateCommand(type: string, data: unknown): Violation[] {
  if (!isCommandType(type)) return [{ path: '', message: `unknown command type ${type}` }];
  return check(schemaId('commands', type, 1), data);
}

/** Throws a `ValidationError` (400) listing every violation unless `data` is a valid `type` command. */
export function assertValidCommand<T extends CommandType>(type: T, data: unknown): asserts data is CommandDataByType[T] {
  const violations = validateCommand(type, data);
  if (violations.length) throw new ValidationError(`Invalid ${type} command: ${summarise(violations)}`, violations);
}

/** Throws a `ValidationError` (400) listing every violation unless `body` is valid against `http/<name>.v1`. */
export function assertValidHttpBody(name: string, body: unknown): void {
  const violations = check(schemaId('http', name, 1), body);
  if (violations.length) throw new ValidationError(`Invalid ${name}: ${summarise(violations)}`, violations);
}

export function validateMetadata(metadata: unknown): Violation[] {
  return check(schemaId('envelope', 'EventMetadata', 1), metadata);
}

/**
 * Violations of an event envelope: its own fields, and its `data` (located under `/data`)
 * against the schema its `type` and `schemaVersion` name. A type without such a schema is a
 * violation too, since envelopes this package checks are ones it publishes.
 */
export function validateEnvelope(envelope: unknown): Violation[] {
  const violations = check(schemaId('envelope', 'EventEnvelope', 1), envelope);
  if (typeof envelope !== 'object' || envelope === null) return violations;
  const { type, schemaVersion, data } = envelope as Record<string, unknown>;
  if (typeof type !== 'string' || typeof schemaVersion !== 'number' || !Number.isInteger(schemaVersion)) return violations;
  if (!hasEventSchema(type, schemaVersion)) {
    return [...violations, { path: '/type', message: `must be an event type with a schema for version ${schemaVersion}` }];
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return violations;
  const ofData = validateEvent(type, schemaVersion, data).map((v) => ({ path: `/data${v.path}`, message: v.message }));
  return [...violations, ...ofData];
}

export function validateSyncSession(session: unknown): Violation[] {
  return check(schemaId('http', 'SyncSession', 1), session);
}

/**
 * Compiles every validator now instead of on first use; compiling all of them takes several
 * hundred milliseconds, which a service may rather spend before it reports ready. Returns
 * how many there are.
 */
export function precompileValidators(): number {
  const files = schemaFiles();
  for (const file of files) validatorFor(String(file.schema.$id));
  return files.length;
}

/** `path message` lines joined for an error message; long lists are cut after the first few. */
export function summarise(violations: readonly Violation[], max = 5): string {
  const shown = violations.slice(0, max).map((v) => `${v.path || '(root)'} ${v.message}`);
  const more = violations.length - shown.length;
  return more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ');
}
