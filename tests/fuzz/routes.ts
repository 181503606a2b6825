/**
 * The API the fuzzers aim at, taken from the published contract: every command operation
 * of the OpenAPI document with the command it sends and a valid body to start from (the
 * contract's own example), and every query operation with the parameters it reads.
 */
import { readFileSync } from 'node:fs';
import { openApiOperations, validateCommand, validateSyncSession, type CommandType } from '@dreamcatcher/contracts';

const contracts = new URL('../../contracts/', import.meta.url);

/** Which command each command operation sends. A new command operation must be added here (the spec checks). */
export const COMMAND_OPERATIONS: Record<string, CommandType> = {
  captureFragment: 'CaptureFragment',
  importDream: 'ImportDream',
  importDreamLegacy: 'ImportDream',
  createDream: 'CreateDream',
  changeDreamDetails: 'ChangeDreamDetails',
  changeDreamStatus: 'ChangeDreamStatus',
  setDreamTags: 'SetDreamTags',
  deleteDream: 'DeleteDream',
  addFragment: 'AddFragment',
  editFragment: 'EditFragment',
  removeFragment: 'RemoveFragment',
  replaceTodos: 'ReplaceTodos',
  addTodo: 'AddTodo',
  changeTodo: 'ChangeTodo',
  removeTodo: 'RemoveTodo',
  attachDocument: 'AttachDocument',
  requestImplementation: 'RequestImplementation',
  completeImplementation: 'CompleteImplementation',
  reportSync: 'ReportSync',
};

/**
 * Operations that change something without being a dream command; fuzzing them would change real
 * state. Their bad input is held to account elsewhere: own API keys in the security suite's
 * self-service cases, malformed export uploads in its import cases.
 */
export const NOT_FUZZED = new Set(['createApiKey', 'revokeApiKey', 'eraseUserData', 'runSyncSession', 'createOwnApiKey', 'revokeOwnApiKey', 'importExport']);

const PATH_FIELDS: Record<string, string> = { id: 'dreamId', fragmentId: 'fragmentId', todoId: 'todoId' };

export interface CommandRoute {
  operationId: string;
  method: string;
  /** OpenAPI path, e.g. `/api/v1/dreams/{id}/todos/{todoId}`. */
  path: string;
  type: CommandType;
  /** Command fields that come from the path. */
  pathFields: string[];
  /** The contract's example data without the path fields: a body the gateway accepts. */
  validBody: Record<string, unknown>;
}

export function commandRoutes(): CommandRoute[] {
  return openApiOperations()
    .filter((operation) => COMMAND_OPERATIONS[operation.operationId])
    .map((operation) => {
      const type = COMMAND_OPERATIONS[operation.operationId]!;
      const pathFields = [...operation.path.matchAll(/\{(\w+)\}/g)].map((match) => PATH_FIELDS[match[1]!]!);
      const example = JSON.parse(readFileSync(new URL(`examples/commands/${type}.v1.json`, contracts), 'utf8')) as Record<string, unknown>;
      // Capturing into the example's dream would name a dream nobody owns; without it the capture makes its own.
      const dropped = new Set([...pathFields, ...(type === 'CaptureFragment' ? ['dreamId'] : [])]);
      const validBody = Object.fromEntries(Object.entries(example).filter(([field]) => !dropped.has(field)));
      return { operationId: operation.operationId, method: operation.method, path: operation.path, type, pathFields, validBody };
    });
}

/** Command operations of the contract that neither `COMMAND_OPERATIONS` nor `NOT_FUZZED` knows: the fuzzers would miss them. */
export function unknownWriteOperations(): string[] {
  return openApiOperations()
    .filter((operation) => operation.method !== 'GET' && !COMMAND_OPERATIONS[operation.operationId] && !NOT_FUZZED.has(operation.operationId))
    .map((operation) => `${operation.method} ${operation.path} (${operation.operationId})`);
}

/** The path with the given ids filled in. */
export function fillPath(path: string, ids: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => ids[PATH_FIELDS[name] ?? name] ?? ids[name] ?? name);
}

/** Whether the gateway, by the contract, must refuse this body for this route before anything runs. */
export function contractRefuses(route: CommandRoute, body: unknown, ids: Record<string, string>): boolean {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return true;
  const data = { ...(body as Record<string, unknown>) };
  for (const field of route.pathFields) {
    // The gateway refuses a body naming another id than its path.
    if (data[field] !== undefined && data[field] !== ids[field]) return true;
    data[field] = ids[field];
  }
  return validateCommand(route.type, structuredClone(data)).length > 0;
}

export function sessionRefused(body: unknown): boolean {
  return validateSyncSession(structuredClone(body)).length > 0;
}

export interface QueryRoute {
  path: string;
  /** The parameters it reads, and what makes a value of each one wrong. */
  params: Record<string, 'limit' | 'brand' | 'status' | 'tag' | 'q' | 'cursor' | 'position' | 'at'>;
  required?: string[];
  auditor?: boolean;
}

export const QUERY_ROUTES: QueryRoute[] = [
  { path: '/api/v1/dreams', params: { limit: 'limit', brand: 'brand', status: 'status', tag: 'tag', q: 'q', cursor: 'cursor' } },
  { path: '/api/v1/dreams/brand/personal', params: { limit: 'limit', status: 'status', tag: 'tag', q: 'q', cursor: 'cursor' } },
  { path: '/api/v1/search', params: { q: 'q', limit: 'limit' }, required: ['q'] },
  { path: '/api/v1/dreams/{id}/history', params: { limit: 'limit', cursor: 'position' } },
  { path: '/api/v1/audit/events', params: { from: 'position', limit: 'limit' }, auditor: true },
  { path: '/api/v1/audit/dreams/{id}/events', params: { cursor: 'position', limit: 'limit' }, auditor: true },
  { path: '/api/v1/audit/dreams/{id}/state', params: { revision: 'position', at: 'at' }, auditor: true },
];
