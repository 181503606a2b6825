import type { RequestHandler } from 'express';
import { dreamStreamId } from '@dreamcatcher/domain';
import type { EventStore } from '@dreamcatcher/event-store';
import { NotFoundError } from '@dreamcatcher/service-kit/errors';
import { ownerOf } from '../audit/event-views.js';
import { readStreamPage } from '../audit/stream-page.js';
import { principalOf, requireAuth } from '../auth/middleware.js';
import { QueryReader } from '../http/query-params.js';
import type { RouteSpec } from '../http/routes.js';
import { uuidParam } from './path-ids.js';

/**
 * `GET /dreams/:id/history`: the dream's events, from the event store (the store has an
 * event as soon as its command answered, so no read-your-writes wait is needed). Only the
 * owner named by the dream's first event sees it; anyone else gets the same 404 as for a
 * dream that does not exist.
 */
function historyHandler(store: EventStore): RequestHandler {
  return async (req, res) => {
    const dreamId = uuidParam(req, 'id');
    const query = new QueryReader(req);
    const from = query.position('cursor') ?? 0n;
    const limit = query.int('limit', { fallback: 100, min: 1, max: 500 });
    query.done();
    const streamId = dreamStreamId(dreamId);
    const [first] = await store.readStream(streamId, { maxCount: 1 });
    if (ownerOf(first) !== principalOf(req).userId) throw new NotFoundError('Dream not found');
    res.json(await readStreamPage(store, streamId, from, limit));
  };
}

export function historyRoutes(store: EventStore): RouteSpec[] {
  return [{ method: 'get', path: '/dreams/:id/history', handlers: [requireAuth(), historyHandler(store)] }];
}
