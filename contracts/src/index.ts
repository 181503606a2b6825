/**
 * The Dreamcatcher contracts: types generated from the JSON Schemas in this package, the
 * catalogue constants, routing keys and (cached) validators.
 */
export type * from './generated/common.js';
export type * from './generated/events.js';
export type * from './generated/commands.js';
export type * from './generated/envelope.js';
export type * from './generated/http.js';
export * from './catalogue.js';
export { downcast, previousVersions, upcast, upcastRecorded, UpcastError, type VersionedEvent } from './upcasters.js';
export { EXCHANGE, kebabCase, routingKey } from './routing.js';
export {
  assertValidCommand,
  assertValidHttpBody,
  isCommandType,
  isEventType,
  isUserEventType,
  precompileValidators,
  summarise,
  validateCommand,
  validateEnvelope,
  validateEvent,
  validateMetadata,
  validateSyncSession,
  type Violation,
} from './validation.js';
export { openApiDocument, openApiOperations, toExpressPath, type OpenApiOperation } from './openapi.js';
export { responseContract, validateHttpResponse, type HttpAnswer, type ResponseContract } from './http-responses.js';
export { canonicalId, canonicalIds, isCanonicalUuid, isIdField, isUserId, isUuid, MAX_USER_ID_LENGTH, userIdProblem } from './ids.js';
