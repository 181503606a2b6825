import type { Request, RequestHandler } from 'express';
import { BRANDS, DREAM_STATUSES, type Brand } from '@dreamcatcher/contracts';
import { NotFoundError } from '@dreamcatcher/service-kit/errors';
import { principalOf, requireAuth } from '../auth/middleware.js';
import { QueryReader } from '../http/query-params.js';
import type { RouteSpec } from '../http/routes.js';
import type { CheckpointWatch } from '../read-your-writes/checkpoint-watch.js';
import { readYourWrites } from '../read-your-writes/middleware.js';
import { uuidParam } from './path-ids.js';
import { READS, type DreamListFilter, type ReadModels } from './read-models.js';

const userOf = (req: Request) => principalOf(req).userId;

function listFilter(req: Request, brand?: Brand): DreamListFilter {
  const query = new QueryReader(req);
  const filter: DreamListFilter = { limit: query.int('limit', { fallback: 20, min: 1, max: 100 }) };
  const chosenBrand = brand ?? query.oneOf('brand', BRANDS);
  const status = query.oneOf('status', DREAM_STATUSES);
  const tag = query.string('tag', { max: 50 });
  const q = query.string('q', { max: 200 });
  const cursor = query.string('cursor', { max: 500 });
  query.done();
  return { ...filter, ...(chosenBrand && { brand: chosenBrand }), ...(status && { status }), ...(tag && { tag }), ...(q && { q }), ...(cursor && { cursor }) };
}

/** Search answers the best `limit` hits in one piece: ranked results have no cursor. */
function searchRequest(req: Request): { q: string; limit: number } {
  const query = new QueryReader(req);
  const limit = query.int('limit', { fallback: 20, min: 1, max: 100 });
  const q = query.string('q', { max: 200, required: true });
  query.done();
  return { q: q!, limit };
}

const found = <T>(value: T | undefined): T => {
  if (value === undefined || value === null) throw new NotFoundError('Dream not found');
  return value;
};

export function queryRoutes(models: ReadModels, watch: CheckpointWatch, timeoutMs: number): RouteSpec[] {
  const auth = requireAuth();
  const fresh = (projections: readonly string[]) => readYourWrites(watch, projections, timeoutMs);
  const get = (path: string, projections: readonly string[], handler: RequestHandler): RouteSpec => ({
    method: 'get',
    path,
    handlers: [auth, fresh(projections), handler],
  });
  return [
    get('/dreams', READS.list, async (req, res) => {
      res.json(await models.listDreams(userOf(req), listFilter(req)));
    }),
    get('/dreams/brand/:brand', READS.list, async (req, res) => {
      const brand: unknown = req.params.brand;
      if (typeof brand !== 'string' || !(BRANDS as readonly string[]).includes(brand)) throw new NotFoundError('No such brand');
      res.json(await models.listDreams(userOf(req), listFilter(req, brand as Brand)));
    }),
    get('/dreams/:id', READS.detail, async (req, res) => {
      const detail = found(await models.getDreamDetail(userOf(req), uuidParam(req, 'id')));
      // The revision as ETag, so that an edit of what was read can send it back as If-Match.
      const revision = (detail as { revision?: unknown }).revision;
      if (typeof revision === 'string') res.setHeader('ETag', `"${revision}"`);
      res.json(detail);
    }),
    get('/dreams/:id/fragments', READS.detail, async (req, res) => {
      const query = new QueryReader(req);
      const cursor = query.string('cursor', { max: 100 });
      query.done();
      res.json(found(await models.getFragmentPage(userOf(req), uuidParam(req, 'id'), cursor)));
    }),
    get('/dreams/:id/statistics', READS.statistics, async (req, res) => {
      res.json(found(await models.getDreamStatistics(userOf(req), uuidParam(req, 'id'))));
    }),
    get('/sync/status', READS.syncStatus, async (req, res) => {
      res.json(await models.getSyncStatus(userOf(req)));
    }),
    get('/me/activity', READS.activity, async (req, res) => {
      res.json(await models.getUserActivity(userOf(req)));
    }),
    get('/search', READS.search, async (req, res) => {
      res.json(await models.searchDreams(userOf(req), searchRequest(req)));
    }),
    get('/brands', READS.catalogue, async (req, res) => {
      res.json(await models.listBrands(userOf(req)));
    }),
    get('/tags', READS.catalogue, async (req, res) => {
      res.json(await models.listTags(userOf(req)));
    }),
  ];
}
