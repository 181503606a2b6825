import type { RequestHandler } from 'express';
import type { Pool } from '@dreamcatcher/service-kit';
import { NotFoundError } from '@dreamcatcher/service-kit/errors';
import { isUuid } from '@dreamcatcher/contracts';
import { QueryReader } from '../http/query-params.js';
import type { RouteSpec } from '../http/routes.js';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.js';
import { requireAuth } from './middleware.js';

const create =
  (pool: Pool): RequestHandler =>
  async (req, res) => {
    const body = (req.body ?? {}) as { userId?: unknown; name?: unknown };
    const created = await createApiKey(pool, { userId: body.userId, name: body.name });
    res.status(201).setHeader('Cache-Control', 'no-store').json(created);
  };

const revoke =
  (pool: Pool): RequestHandler =>
  async (req, res) => {
    const id = req.params.id;
    if (!isUuid(id)) throw new NotFoundError('API key not found');
    await revokeApiKey(pool, id);
    res.status(204).end();
  };

const list =
  (pool: Pool): RequestHandler =>
  async (req, res) => {
    const query = new QueryReader(req);
    const userId = query.string('userId');
    query.done();
    res.json({ items: await listApiKeys(pool, userId === undefined ? {} : { userId }) });
  };

/** Admin routes for the extension's API keys; the key itself is only in the creation answer. */
export function apiKeyRoutes(pool: Pool): RouteSpec[] {
  const admin = requireAuth('admin');
  return [
    { method: 'post', path: '/admin/api-keys', handlers: [admin, create(pool)] },
    { method: 'get', path: '/admin/api-keys', handlers: [admin, list(pool)] },
    { method: 'delete', path: '/admin/api-keys/:id', handlers: [admin, revoke(pool)] },
  ];
}
