/**
 * Auditors' routes (role `auditor`), every user's history through the audited store with
 * the hash chain shown:
 *
 * - `GET /audit/events` — the whole store in commit order, a page at a time, filtered;
 * - `GET /audit/events/export` — a range of it as NDJSON, streamed;
 * - `GET /audit/dreams/:id/events` — one dream, deleted ones included, in revision order;
 * - `GET /audit/dreams/:id/state?revision=|at=` — the dream as it was then;
 * - `GET /audit/dreams/:id/verify` — its hash chain recomputed.
 */
import type { RequestHandler } from 'express';
import { dreamStateAt, encodeCursor, readDreamHistoryPage, readHistoryPage, toHistoryVerification, verifyDream, type PointInHistory } from '@dreamcatcher/audit';
import type { Logger } from '@dreamcatcher/service-kit';
import { NotFoundError } from '@dreamcatcher/service-kit/errors';
import { requireAuth } from '../auth/middleware.js';
import { uuidParam } from '../dreams/path-ids.js';
import { QueryReader } from '../http/query-params.js';
import type { RouteSpec } from '../http/routes.js';
import type { AuditAccess } from './audit-access.js';
import { exportHandler } from './export-route.js';
import { asQueryErrors, AUDIT_PAGE, readHistoryFilter } from './history-query.js';

/** A revision no stream reaches: the state "now". */
const LATEST = 2n ** 63n - 1n;

function allEventsHandler({ auditorStore }: AuditAccess): RequestHandler {
  return async (req, res) => {
    const query = new QueryReader(req);
    const cursor = query.string('cursor', { max: 500 });
    const from = query.position('from');
    if (cursor !== undefined && from !== undefined) query.violations.push({ path: '/query', message: 'give cursor or from, not both' });
    const limit = query.int('limit', AUDIT_PAGE);
    const filter = readHistoryFilter(query);
    query.done();
    const after = cursor ?? (from === undefined ? undefined : encodeCursor({ scope: 'all', after: from }));
    res.json(await asQueryErrors(() => readHistoryPage(auditorStore, { ...filter, limit, ...(after !== undefined && { after }) })));
  };
}

function dreamEventsHandler({ auditorStore }: AuditAccess): RequestHandler {
  return async (req, res) => {
    const dreamId = uuidParam(req, 'id');
    const query = new QueryReader(req);
    const after = query.string('cursor', { max: 500 });
    const limit = query.int('limit', AUDIT_PAGE);
    const filter = readHistoryFilter(query);
    query.done();
    const page = await asQueryErrors(() => readDreamHistoryPage(auditorStore, dreamId, { ...filter, limit, ...(after !== undefined && { after }) }));
    // A first page without a filter is empty only for a stream without events.
    if (page.items.length === 0 && after === undefined && Object.keys(filter).length === 0) throw new NotFoundError('Dream not found');
    res.json(page);
  };
}

function stateHandler({ auditorStore }: AuditAccess): RequestHandler {
  return async (req, res) => {
    const dreamId = uuidParam(req, 'id');
    const query = new QueryReader(req);
    const revision = query.position('revision');
    const at = query.string('at', { max: 40 });
    if (at !== undefined && Number.isNaN(Date.parse(at))) query.violations.push({ path: '/query/at', message: 'must be a date-time' });
    if (at !== undefined && revision !== undefined) query.violations.push({ path: '/query', message: 'give at or revision, not both' });
    query.done();
    const point: PointInHistory = revision !== undefined ? { revision } : at !== undefined ? { at } : { revision: LATEST };
    const state = await asQueryErrors(() => dreamStateAt(auditorStore, dreamId, point));
    // No events by then: the dream did not exist yet (or never did).
    if (!state) throw new NotFoundError(at !== undefined || revision !== undefined ? 'The dream had no events by then' : 'Dream not found');
    res.json(state);
  };
}

function verifyHandler({ auditorStore }: AuditAccess): RequestHandler {
  return async (req, res) => {
    const dreamId = uuidParam(req, 'id');
    const result = await verifyDream(auditorStore, dreamId);
    if (result.checked === 0) throw new NotFoundError('Dream not found');
    // 200 whether intact or not: a broken chain is the answer, not an error of the request.
    res.json(toHistoryVerification(result));
  };
}

export function auditRoutes(access: AuditAccess, logger: Logger): RouteSpec[] {
  const auditor = requireAuth('auditor');
  return [
    { method: 'get', path: '/audit/events', handlers: [auditor, allEventsHandler(access)] },
    { method: 'get', path: '/audit/events/export', handlers: [auditor, exportHandler(access, logger)] },
    { method: 'get', path: '/audit/dreams/:id/events', handlers: [auditor, dreamEventsHandler(access)] },
    { method: 'get', path: '/audit/dreams/:id/state', handlers: [auditor, stateHandler(access)] },
    { method: 'get', path: '/audit/dreams/:id/verify', handlers: [auditor, verifyHandler(access)] },
  ];
}
