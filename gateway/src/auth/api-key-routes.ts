import type { RequestHandler } from 'express';
import type { Pool } from '@dreamcatcher/service-kit';
import { ForbiddenError, NotFoundError, ValidationError } from '@dreamcatcher/service-kit/errors';
import { isUuid } from '@dreamcatcher/contracts';
import { QueryReader } from '../http/query-params.js';
import type { RouteSpec } from '../http/routes.js';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyInfo } from './api-keys.js';
import { principalOf, requireAuth } from './middleware.js';

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

/**
 * A user's own keys are managed with a signed-in token only: a key cannot mint or revoke
 * keys, so a leaked key cannot outlive its revocation by having made another.
 */
const tokenCaller: RequestHandler = (req, _res, next) => {
  if (principalOf(req).via !== 'jwt') throw new ForbiddenError('API keys are managed with a signed-in token, not with an API key');
  next();
};

/** What a user sees of their own key: no prefix, no owner, never the secret. */
const ownView = ({ id, name, createdAt, lastUsedAt, revokedAt }: ApiKeyInfo) => ({ id, name, createdAt, lastUsedAt, revokedAt });

const createOwn =
  (pool: Pool, maxActive: number): RequestHandler =>
  async (req, res) => {
    const body = (req.body ?? {}) as { name?: unknown };
    // The owner is the caller; a body naming anything else is a mistake worth saying so.
    const extra = Object.keys(body).filter((key) => key !== 'name');
    if (extra.length) throw new ValidationError('Invalid API key request', extra.map((key) => ({ path: `/${key}`, message: 'is not allowed' })));
    const { id, name, key, createdAt } = await createApiKey(pool, { userId: principalOf(req).userId, name: body.name }, { maxActive });
    res.status(201).setHeader('Cache-Control', 'no-store').json({ id, name, key, createdAt });
  };

const listOwn =
  (pool: Pool): RequestHandler =>
  async (req, res) => {
    new QueryReader(req).done();
    res.json({ items: (await listApiKeys(pool, { userId: principalOf(req).userId })).map(ownView) });
  };

const revokeOwn =
  (pool: Pool): RequestHandler =>
  async (req, res) => {
    const id = req.params.id;
    if (!isUuid(id)) throw new NotFoundError('API key not found');
    await revokeApiKey(pool, id, { userId: principalOf(req).userId });
    res.status(204).end();
  };

/**
 * The extension's API keys: admins manage anyone's, a signed-in user their own (at most
 * `maxPerUser` active). The key itself is only in the creation answer.
 */
export function apiKeyRoutes(pool: Pool, { maxPerUser }: { maxPerUser: number }): RouteSpec[] {
  const admin = requireAuth('admin');
  const self = [requireAuth(), tokenCaller];
  return [
    { method: 'post', path: '/me/api-keys', handlers: [...self, createOwn(pool, maxPerUser)] },
    { method: 'get', path: '/me/api-keys', handlers: [...self, listOwn(pool)] },
    { method: 'delete', path: '/me/api-keys/:id', handlers: [...self, revokeOwn(pool)] },
    { method: 'post', path: '/admin/api-keys', handlers: [admin, create(pool)] },
    { method: 'get', path: '/admin/api-keys', handlers: [admin, list(pool)] },
    { method: 'delete', path: '/admin/api-keys/:id', handlers: [admin, revoke(pool)] },
  ];
}
