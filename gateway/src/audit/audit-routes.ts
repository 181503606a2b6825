import type { RequestHandler } from 'express';
import { dreamStreamId } from '@dreamcatcher/domain';
import type { EventStore } from '@dreamcatcher/event-store';
import { AppError, NotFoundError } from '@dreamcatcher/service-kit/errors';
import { requireAuth } from '../auth/middleware.js';
import { uuidParam } from '../dreams/path-ids.js';
import { QueryReader } from '../http/query-params.js';
import type { RouteSpec } from '../http/routes.js';
import { toEventView } from './event-views.js';
import { stateAt, type PointInHistory } from './state-at.js';
import { readStreamPage } from './stream-page.js';

/**
 * `GET /audit/events?from=&limit=`: the whole history in commit order, every user's.
 * `from` is exclusive (a position already seen); `nextCursor` is the `from` of the next
 * page, null once the page reached the current end of the store.
 */
function allEventsHandler(store: EventStore): RequestHandler {
  return async (req, res) => {
    const query = new QueryReader(req);
    const from = query.position('from');
    const limit = query.int('limit', { fallback: 100, min: 1, max: 1000 });
    query.done();
    const page = await store.readAll({ ...(from !== undefined && { after: from }), maxCount: limit });
    const last = page.events.at(-1)?.position;
    res.json({ items: page.events.map(toEventView), nextCursor: page.isEnd || last === undefined ? null : last.toString() });
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

/** `GET /audit/dreams/:id/state?at=|revision=`: the dream as it was then. */
function stateHandler(store: EventStore): RequestHandler {
  return async (req, res) => {
    const dreamId = uuidParam(req, 'id');
    const query = new QueryReader(req);
    const revision = query.position('revision');
    const at = query.string('at', { max: 40 });
    if (at !== undefined && Number.isNaN(Date.parse(at))) query.violations.push({ path: '/query/at', message: 'must be a date-time' });
    if (at !== undefined && revision !== undefined) query.violations.push({ path: '/query', message: 'give at or revision, not both' });
    query.done();
    const point: PointInHistory = revision !== undefined ? { revision } : at !== undefined ? { at } : {};
    const state = stateAt(dreamId, await store.readStream(dreamStreamId(dreamId)), point);
    if (!state) throw new NotFoundError('Dream not found');
    res.json(state);
  };
}

/** Verification needs the hash chain events do not carry yet: answered honestly as not implemented. */
const verifyHandler: RequestHandler = () => {
  throw new AppError(501, 'not_implemented', 'History verification is not available yet');
};

export function auditRoutes(store: EventStore): RouteSpec[] {
  const auditor = requireAuth('auditor');
  return [
    { method: 'get', path: '/audit/events', handlers: [auditor, allEventsHandler(store)] },
    { method: 'get', path: '/audit/dreams/:id/events', handlers: [auditor, dreamEventsHandler(store)] },
    { method: 'get', path: '/audit/dreams/:id/state', handlers: [auditor, stateHandler(store)] },
    { method: 'get', path: '/audit/dreams/:id/verify', handlers: [auditor, (req, _res, next) => (uuidParam(req, 'id'), next()), verifyHandler] },
  ];
}
