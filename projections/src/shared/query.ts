import { READ_MODELS_SCHEMA } from '../runtime/names.js';
import { qualified } from '../runtime/table.js';

export type { Queryable } from '../runtime/reader-scope.js';

export interface QueryOptions {
  /** Schema to read (default `read_models`; an auditor's point-in-time schema otherwise). */
  schema?: string;
}

export function tableIn(options: QueryOptions | undefined, table: string): string {
  return qualified(options?.schema ?? READ_MODELS_SCHEMA, table);
}

export function clampLimit(limit: number | undefined, fallback = 20, max = 100): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(max, Math.max(1, Math.trunc(limit)));
}

/** Dream ids are UUIDs; anything else names no dream (and must not reach a `::uuid` cast). */
export { isUuid } from '@dreamcatcher/contracts';
