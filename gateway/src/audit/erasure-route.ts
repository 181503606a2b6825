/**
 * `POST /admin/users/:id/erase` (role `admin`): erases a user's personal data (GDPR art. 17)
 * by crypto-shredding. Their data key is destroyed, so every personal field they are the
 * data subject of reads as a placeholder from then on (store, backups, history, time
 * travel), and `UserDataErased` is appended to stream `user-<id>`, on which the projections
 * drop the user's rows and integrations erase their copies. Hash chains stay intact.
 *
 * Final and idempotent: a repeat answers 200 with the same event and appends nothing; new
 * personal data for that user id is refused from then on (410 `subject_erased`). An id that
 * never stored personal data answers 404 and is left as it was (not blocked). The
 * answer's `position` can be passed as `X-Min-Position` to read after the projections
 * dropped the rows. What is erased and what remains: `services/audit/README.md`.
 */
import type { Request, RequestHandler } from 'express';
import { eraseKnownSubject } from '@dreamcatcher/audit';
import type { Logger } from '@dreamcatcher/service-kit';
import { userIdProblem } from '@dreamcatcher/contracts';
import { NotFoundError, ValidationError } from '@dreamcatcher/service-kit/errors';
import { principalOf, requireAuth } from '../auth/middleware.js';
import type { RouteSpec } from '../http/routes.js';
import type { AuditAccess } from './audit-access.js';

// User ids are token subjects (`sub`); one that no token could carry is a malformed request.
function userParam(req: Request): string {
  const value = req.params.id;
  const problem = userIdProblem(value);
  if (problem) throw new ValidationError('Invalid user id', [{ path: '/params/id', message: problem }]);
  return value as string;
}

function eraseHandler({ store, keys }: AuditAccess, logger: Logger): RequestHandler {
  return async (req, res) => {
    const userId = userParam(req);
    const admin = principalOf(req).userId;
    const result = await eraseKnownSubject(store, keys, userId, { actor: admin, correlationId: req.correlationId, causationId: req.requestId });
    if (!result) throw new NotFoundError('No such user');
    logger.info('user data erased', { subjectId: userId, by: admin, destroyedKey: result.destroyedKey, position: result.position });
    res.status(200).set('Cache-Control', 'no-store').json(result);
  };
}

export function erasureRoutes(access: AuditAccess, logger: Logger): RouteSpec[] {
  return [{ method: 'post', path: '/admin/users/:id/erase', handlers: [requireAuth('admin'), eraseHandler(access, logger)] }];
}
