/** Every projection, by name (the kit's PROJECTION_NAMES). */
import { PROJECTION_NAMES, type ProjectionName } from '@dreamcatcher/service-kit';
import { catalogueProjection } from './catalogue/projection.js';
import { dreamDetailProjection } from './dream_detail/projection.js';
import { dreamSearchProjection } from './dream_search/projection.js';
import { dreamSummaryProjection } from './dream_summary/projection.js';
import type { Projection } from './runtime/projection.js';
import { syncStatusProjection } from './sync_status/projection.js';
import { userActivityProjection } from './user_activity/projection.js';

export const PROJECTIONS: Record<ProjectionName, Projection> = {
  dream_summary: dreamSummaryProjection,
  dream_detail: dreamDetailProjection,
  sync_status: syncStatusProjection,
  user_activity: userActivityProjection,
  dream_search: dreamSearchProjection,
  catalogue: catalogueProjection,
};

export function isProjectionName(name: string): name is ProjectionName {
  return (PROJECTION_NAMES as readonly string[]).includes(name);
}

/** The projections named (all when `names` is empty); throws naming any unknown name. */
export function selectProjections(names: readonly string[]): Projection[] {
  const unknown = names.filter((name) => !isProjectionName(name));
  if (unknown.length) throw new Error(`unknown projection ${unknown.join(', ')}; known: ${PROJECTION_NAMES.join(', ')}`);
  const selected = names.length ? [...new Set(names)] : [...PROJECTION_NAMES];
  return selected.map((name) => PROJECTIONS[name as ProjectionName]);
}
