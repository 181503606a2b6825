/**
 * `GET /audit/events/export?from=&to=&type=&userId=&occurredFrom=&occurredTo=`: a range of
 * the whole history as NDJSON (`application/x-ndjson`, one event per line, the envelope
 * shape of the history pages), streamed with backpressure for offline analysis.
 *
 * `from` is exclusive and `to` inclusive (store positions); without `to` the export ends at
 * the head as it was when it started, which `X-Export-To` reports, so that the next export
 * can go on with `from=<that position>` and nothing is missed or repeated.
 */
import type { RequestHandler } from 'express';
import { exportNdjson } from '@dreamcatcher/audit';
import type { Logger } from '@dreamcatcher/service-kit';
import { QueryReader } from '../http/query-params.js';
import type { AuditAccess } from './audit-access.js';
import { readHistoryFilter } from './history-query.js';

const EXPORT_HEADERS = ['Content-Type', 'Content-Disposition', 'Cache-Control', 'X-Export-To'];

export function exportHandler({ auditorStore }: AuditAccess, logger: Logger): RequestHandler {
  return async (req, res) => {
    const query = new QueryReader(req);
    const after = query.position('from');
    const requestedTo = query.position('to');
    if (after !== undefined && requestedTo !== undefined && requestedTo < after) query.violations.push({ path: '/query/to', message: 'must not be before from' });
    const filter = readHistoryFilter(query);
    query.done();
    const until = requestedTo ?? (await auditorStore.headPosition());

    // The client going away ends the export; the store is not read for nobody.
    const abort = new AbortController();
    res.on('close', () => abort.abort(new Error('the client closed the export')));
    res.set({
      'Content-Type': 'application/x-ndjson; charset=utf-8',
      'Content-Disposition': `attachment; filename="dreamcatcher-events-${after ?? 0n}-${until}.ndjson"`,
      'Cache-Control': 'no-store',
      'X-Export-To': until.toString(),
    });
    try {
      const result = await exportNdjson(auditorStore, { ...filter, until, ...(after !== undefined && { after }) }, res, { signal: abort.signal });
      logger.info('audit export done', { exported: result.exported, from: after?.toString() ?? null, to: until.toString() });
    } catch (error) {
      if (abort.signal.aborted) return;
      if (!res.headersSent) {
        // Nothing went out yet: the error middleware answers, as JSON.
        for (const name of EXPORT_HEADERS) res.removeHeader(name);
        throw error;
      }
      // The status line is gone already: all a failure can do now is cut the stream short.
      logger.warn('audit export failed', { error: (error as Error).message });
      res.destroy(error as Error);
    }
  };
}
