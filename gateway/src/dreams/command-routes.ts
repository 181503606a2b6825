import type { Request, RequestHandler, Response } from 'express';
import type { CommandType } from '@dreamcatcher/contracts';
import { assertValidCommand } from '@dreamcatcher/contracts';
import { principalOf, requireAuth } from '../auth/middleware.js';
import type { Method, RouteSpec } from '../http/routes.js';
import type { CommandMetadata, CommandServiceClient } from './command-client.js';
import { COMMAND_ROLES, commandData, entityTag, expectedRevisionFrom, idempotencyKeyFrom } from './command-input.js';
import { pathIds } from './path-ids.js';

/** Every command route: method, path below /api/v1, and the command it sends. */
export const COMMAND_ROUTES: readonly { method: Method; path: string; type: CommandType }[] = [
  { method: 'post', path: '/conversations/capture', type: 'CaptureFragment' },
  { method: 'post', path: '/dreams/import', type: 'ImportDream' },
  { method: 'post', path: '/dreamcatcher/import', type: 'ImportDream' },
  { method: 'post', path: '/dreams', type: 'CreateDream' },
  { method: 'patch', path: '/dreams/:id', type: 'ChangeDreamDetails' },
  { method: 'put', path: '/dreams/:id/status', type: 'ChangeDreamStatus' },
  { method: 'put', path: '/dreams/:id/tags', type: 'SetDreamTags' },
  { method: 'delete', path: '/dreams/:id', type: 'DeleteDream' },
  { method: 'post', path: '/dreams/:id/fragments', type: 'AddFragment' },
  { method: 'patch', path: '/dreams/:id/fragments/:fragmentId', type: 'EditFragment' },
  { method: 'delete', path: '/dreams/:id/fragments/:fragmentId', type: 'RemoveFragment' },
  { method: 'put', path: '/dreams/:id/todos', type: 'ReplaceTodos' },
  { method: 'post', path: '/dreams/:id/todos', type: 'AddTodo' },
  { method: 'patch', path: '/dreams/:id/todos/:todoId', type: 'ChangeTodo' },
  { method: 'delete', path: '/dreams/:id/todos/:todoId', type: 'RemoveTodo' },
  { method: 'post', path: '/dreams/:id/documents', type: 'AttachDocument' },
  { method: 'post', path: '/dreams/:id/implement', type: 'RequestImplementation' },
  { method: 'post', path: '/dreams/:id/implementation', type: 'CompleteImplementation' },
  { method: 'post', path: '/dreams/:id/sync', type: 'ReportSync' },
];

/** What a command carries about its caller and the request it came in. */
export function commandMetadata(req: Request): CommandMetadata {
  const principal = principalOf(req);
  return {
    userId: principal.userId,
    roles: principal.roles,
    correlationId: req.correlationId,
    ...(req.traceparent && { traceparent: req.traceparent }),
    ...(req.tracestate && { tracestate: req.tracestate }),
  };
}

function answer(res: Response, status: number, body: unknown, headers: Record<string, string>): void {
  const etag = entityTag(headers, body);
  if (etag) res.setHeader('ETag', etag);
  if (headers['idempotent-replayed']) res.setHeader('Idempotent-Replayed', headers['idempotent-replayed']);
  const dreamId = (body as { dreamId?: unknown } | null)?.dreamId;
  if (status === 201 && typeof dreamId === 'string') res.setHeader('Location', `/api/v1/dreams/${dreamId}`);
  res.status(status).json(body);
}

function commandHandler(type: CommandType, commands: CommandServiceClient): RequestHandler {
  return async (req, res) => {
    // Path ids first: a malformed id is a 404 whatever the body says.
    const ids = pathIds(req);
    const data = commandData(req.body, ids);
    assertValidCommand(type, data);
    const expectedRevision = expectedRevisionFrom(req.get('if-match'));
    const idempotencyKey = idempotencyKeyFrom(req.get('idempotency-key'));
    const result = await commands.send(type, {
      data,
      metadata: commandMetadata(req),
      ...(idempotencyKey && { idempotencyKey }),
      ...(expectedRevision && { expectedRevision }),
    });
    answer(res, result.status, result.body, result.headers);
  };
}

export function commandRoutes(commands: CommandServiceClient): RouteSpec[] {
  return COMMAND_ROUTES.map(({ method, path, type }) => ({
    method,
    path,
    handlers: [requireAuth(...COMMAND_ROLES[type]), commandHandler(type, commands)],
  }));
}
