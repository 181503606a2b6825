import type { Request } from 'express';
import { canonicalId, isUuid } from '@dreamcatcher/contracts';
import { NotFoundError } from '@dreamcatcher/service-kit/errors';

/** A UUID from the path; anything else names nothing that exists, so it is a 404, not a 400 or 500. */
export function uuidParam(req: Request, name: string): string {
  const value = req.params[name];
  if (!isUuid(value)) throw new NotFoundError(name === 'id' ? 'Dream not found' : 'Not found');
  return canonicalId(value);
}

/** The command's path ids: route parameter -> command field. */
export const PATH_ID_FIELDS: Record<string, string> = { id: 'dreamId', fragmentId: 'fragmentId', todoId: 'todoId' };

/** Every path id of the request as command fields, each checked to be a UUID. */
export function pathIds(req: Request): Record<string, string> {
  const ids: Record<string, string> = {};
  for (const [param, field] of Object.entries(PATH_ID_FIELDS)) {
    if (req.params[param] !== undefined) ids[field] = uuidParam(req, param);
  }
  return ids;
}
