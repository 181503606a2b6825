import type { RequestHandler } from 'express';
import { isCommandType, validateSyncSession } from '@dreamcatcher/contracts';
import { ValidationError } from '@dreamcatcher/service-kit/errors';
import { principalOf, requireAuth } from '../auth/middleware.js';
import { assertAnyRole } from '../auth/roles.js';
import type { ChargeExtra } from '../http/rate-limit.js';
import type { RouteSpec } from '../http/routes.js';
import type { CommandServiceClient } from './command-client.js';
import { COMMAND_ROLES } from './command-input.js';
import { commandMetadata } from './command-routes.js';

interface SyncSessionBody {
  sessionId?: string;
  items: { idempotencyKey: string; command: { type: string; data: unknown } }[];
}

/**
 * `POST /sync-sessions`: the extension's queue of offline commands in one request. The
 * whole session is validated (every violation of every item listed) and every item's
 * role checked before anything runs; each item then runs with its own idempotency key,
 * so a retried session repeats nothing. Each item is a command, so each is charged to the
 * caller's rate limit (the request itself paid for the first).
 */
function syncSessionHandler(commands: CommandServiceClient, charge: ChargeExtra): RequestHandler {
  return async (req, res) => {
    const violations = validateSyncSession(req.body);
    if (violations.length) throw new ValidationError('Invalid sync session', violations);
    const session = req.body as SyncSessionBody;
    const principal = principalOf(req);
    for (const item of session.items) {
      if (isCommandType(item.command.type)) assertAnyRole(principal, COMMAND_ROLES[item.command.type]);
    }
    charge(req, session.items.length - 1);
    const result = await commands.syncSession({
      ...(session.sessionId !== undefined && { sessionId: session.sessionId }),
      items: session.items,
      metadata: commandMetadata(req),
    });
    res.status(result.status).json(result.body);
  };
}

export function syncSessionRoutes(commands: CommandServiceClient, charge: ChargeExtra): RouteSpec[] {
  return [{ method: 'post', path: '/sync-sessions', handlers: [requireAuth('user', 'integration', 'admin'), syncSessionHandler(commands, charge)] }];
}
