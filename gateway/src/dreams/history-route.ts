import type { RequestHandler } from 'express';
import { readDreamHistoryPage } from '@dreamcatcher/audit';
import { dreamStreamId } from '@dreamcatcher/domain';
import type { EventStore, RecordedEvent } from '@dreamcatcher/event-store';
import { NotFoundError } from '@dreamcatcher/service-kit/errors';
import type { AuditAccess } from '../audit/audit-access.js';
import { asQueryErrors } from '../audit/history-query.js';
import { principalOf, requireAuth } from '../auth/middleware.js';
import { QueryReader } from '../http/query-params.js';
import type { RouteSpec } from '../http/routes.js';
import { uuidParam } from './path-ids.js';

/** The owner a dream's first event names (`DreamCreated` / `DreamImported` carry `ownerId`). */
export function ownerOf(first: RecordedEvent | undefined): string | undefined {
  const ownerId = (first?.data as { ownerId?: unknown } | undefined)?.ownerId;
  return typeof ownerId === 'string' ? ownerId : undefined;
}

/**
 * `GET /dreams/:id/history?limit=&cursor=`: the dream's events with their metadata (who,
 * correlation and causation ids, when), from the event store through the audited store
 * (personal fields decrypted; the hash chain is for auditors). The store has an event as
 * soon as its command answered, so no read-your-writes wait is needed. Only the owner
 * named by the dream's first event sees it; anyone else gets the same 404 as for a dream
 * that does not exist.
 */
function historyHandler(store: EventStore): RequestHandler {
  return async (req, res) => {
    const dreamId = uuidParam(req, 'id');
    const query = new QueryReader(req);
    const after = query.string('cursor', { max: 500 });
    const limit = query.int('limit', { fallback: 100, min: 1, max: 500 });
    query.done();
    const [first] = await store.readStream(dreamStreamId(dreamId), { maxCount: 1 });
    if (ownerOf(first) !== principalOf(req).userId) throw new NotFoundError('Dream not found');
    res.json(await asQueryErrors(() => readDreamHistoryPage(store, dreamId, { limit, ...(after !== undefined && { after }) })));
  };
}

export function historyRoutes({ store }: AuditAccess): RouteSpec[] {
  return [{ method: 'get', path: '/dreams/:id/history', handlers: [requireAuth(), historyHandler(store)] }];
}
