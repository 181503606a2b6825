/**
 * Tables of `catalogue`: the default brands and tags (reference data, readable by every
 * user), each dream's brand and tags (internal), and per user how many dreams use each
 * brand and tag. Usage rows exist only while the count is above zero.
 */
import type { TableSpec } from '../runtime/table.js';
import { DEFAULT_BRANDS, DEFAULT_TAGS, type BrandDefault, type TagDefault } from './defaults.js';

export interface DreamCatalogueRow {
  dream_id: string;
  owner_id: string;
  brand: string;
  tags: string[];
}

export interface BrandUsageRow {
  owner_id: string;
  brand: string;
  dreams: number;
}

export interface TagUsageRow {
  owner_id: string;
  tag: string;
  dreams: number;
}

export const brandDefaultsTable: TableSpec<BrandDefault> = {
  name: 'catalogue_brands',
  columns: { brand: 'text', name: 'text', color: 'text', sort_order: 'int' },
  key: ['brand'],
  readable: true,
  seed: DEFAULT_BRANDS,
};

export const tagDefaultsTable: TableSpec<TagDefault> = {
  name: 'catalogue_tags',
  columns: { tag: 'text', name: 'text', color: 'text', category: 'text', sort_order: 'int' },
  key: ['tag'],
  readable: true,
  seed: DEFAULT_TAGS,
};

export const dreamCatalogueTable: TableSpec<DreamCatalogueRow> = {
  name: 'catalogue_dreams',
  columns: { dream_id: 'uuid', owner_id: 'text', brand: 'text', tags: 'text[]' },
  key: ['dream_id'],
  preloadBy: 'dream_id',
  ownerScoped: true,
};

export const brandUsageTable: TableSpec<BrandUsageRow> = {
  name: 'catalogue_brand_usage',
  columns: { owner_id: 'text', brand: 'text', dreams: 'int' },
  key: ['owner_id', 'brand'],
  counters: { sum: ['dreams'], dropWhenZero: true },
  ownerScoped: true,
  readable: true,
};

export const tagUsageTable: TableSpec<TagUsageRow> = {
  name: 'catalogue_tag_usage',
  columns: { owner_id: 'text', tag: 'text', dreams: 'int' },
  key: ['owner_id', 'tag'],
  counters: { sum: ['dreams'], dropWhenZero: true },
  ownerScoped: true,
  readable: true,
};
