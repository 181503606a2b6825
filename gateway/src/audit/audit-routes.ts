import type { RequestHandler } from 'express';
import { dreamStreamId } from '@dreamcatcher/domain';
import type { EventStore } from '@dreamcatcher/event-store';
import { NotFoundError } from '@dreamcatcher/service-kit/errors';
import { requireAuth } from '../auth/middleware.js';
import { uuidParam } from '../dreams/path-ids.js';
import { QueryReader } from '../http/query-params.js';
import type { RouteSpec } from '../http/routes.js';
import { toEventView } from './event-views.js';
import { readStreamPage } from './stream-page.js';

/**
 * `GET /audit/events?from=&limit=`: the whole history in commit order, every user's.
 * `from` is inclusive; `nextCursor` is the `from` of the next page (null once the page
 * reached the current end; a follower continues after `lastPosition`, the page's last event).
 */
function allEventsHandler(store: EventStore): RequestHandler {
  return async (req, res) => {
    const query = new QueryReader(req);
    const from = query.position('from');
    const limit = query.int('limit', { fallback: 100, min: 1, max: 1000 });
    query.done();
    const page = await store.readAll({ ...(from !== undefined && from > 0n && { after: from - 1n }), maxCount: limit });
    const last = page.events.at(-1)?.position;
    res.json({
      items: page.events.map(toEventView),
      nextCursor: page.isEnd || last === undefined ? null : (last + 1n).toString(),
      lastPosition: last?.toString() ?? null,
    });
  };
}

/** `GET /audit/dreams/:id/events`: one dream's events, whoever owns it. */
function dreamEventsHandler(store: EventStore): RequestHandler {
  return async (req, res) => {
    const dreamId = uuidParam(req, 'id');
    const query = new QueryReader(req);
    const from = query.position('cursor') ?? 0n;
    const limit = query.int('limit', { fallback: 100, min: 1, max: 1000 });
    query.done();
    const page = await readStreamPage(store, dreamStreamId(dreamId), from, limit);
    if (page.items.length === 0 && from === 0n) throw new NotFoundError('Dream not found');
    res.json(page);
  };
}

export function auditRoutes(store: EventStore): RouteSpec[] {
  const auditor = requireAuth('auditor');
  return [
    { method: 'get', path: '/audit/events', handlers: [auditor, allEventsHandler(store)] },
    { method: 'get', path: '/audit/dreams/:id/events', handlers: [auditor, dreamEventsHandler(store)] },
  ];
}
