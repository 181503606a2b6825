/** The catalogue for `GET /brands` and `GET /tags`: defaults first, with the caller's usage counts. */
import { tableIn, type Queryable, type QueryOptions } from '../shared/query.js';

export interface BrandEntry {
  id: string;
  name: string;
  color: string | null;
  dreamCount: number;
}

export interface TagEntry {
  id: string;
  name: string;
  color: string | null;
  category: string | null;
  /** A default tag, or one only this user uses. */
  isDefault: boolean;
  dreamCount: number;
}

export async function listBrands(client: Queryable, userId: string, options?: QueryOptions): Promise<{ items: BrandEntry[] }> {
  const { rows } = await client.query<{ id: string; name: string; color: string | null; dream_count: number }>(
    `SELECT coalesce(b.brand, u.brand) AS id, coalesce(b.name, u.brand) AS name, b.color, coalesce(u.dreams, 0) AS dream_count
     FROM ${tableIn(options, 'catalogue_brands')} b
     FULL JOIN (SELECT brand, dreams FROM ${tableIn(options, 'catalogue_brand_usage')} WHERE owner_id = $1) u ON u.brand = b.brand
     ORDER BY b.sort_order NULLS LAST, coalesce(b.brand, u.brand)`,
    [userId],
  );
  return { items: rows.map((row) => ({ id: row.id, name: row.name, color: row.color, dreamCount: row.dream_count })) };
}

export async function listTags(client: Queryable, userId: string, options?: QueryOptions): Promise<{ items: TagEntry[] }> {
  const { rows } = await client.query<{ id: string; name: string; color: string | null; category: string | null; is_default: boolean; dream_count: number }>(
    `SELECT coalesce(t.tag, u.tag) AS id, coalesce(t.name, u.tag) AS name, t.color, t.category, t.tag IS NOT NULL AS is_default,
            coalesce(u.dreams, 0) AS dream_count
     FROM ${tableIn(options, 'catalogue_tags')} t
     FULL JOIN (SELECT tag, dreams FROM ${tableIn(options, 'catalogue_tag_usage')} WHERE owner_id = $1) u ON u.tag = t.tag
     ORDER BY t.sort_order NULLS LAST, coalesce(u.dreams, 0) DESC, coalesce(t.tag, u.tag)`,
    [userId],
  );
  return {
    items: rows.map((row) => ({ id: row.id, name: row.name, color: row.color, category: row.category, isDefault: row.is_default, dreamCount: row.dream_count })),
  };
}
