/** `catalogue`: brands and tags with how many of the user's dreams use each. */
import type { DreamEvent } from '../runtime/events.js';
import type { Projection } from '../runtime/projection.js';
import { brandDefaultsTable, brandUsageTable, dreamCatalogueTable, tagDefaultsTable, tagUsageTable, type DreamCatalogueRow } from './migrations.js';

function evolve(row: DreamCatalogueRow | undefined, event: DreamEvent): DreamCatalogueRow | undefined {
  switch (event.type) {
    case 'DreamCreated':
    case 'DreamImported':
      return { dream_id: event.data.dreamId, owner_id: event.data.ownerId, brand: event.data.brand, tags: [...new Set(event.data.tags)] };
    case 'DreamBrandChanged':
      return row && { ...row, brand: event.data.to };
    case 'DreamTagged':
      return row && { ...row, tags: [...row.tags, ...event.data.tags.filter((tag) => !row.tags.includes(tag))] };
    case 'DreamUntagged':
      return row && { ...row, tags: row.tags.filter((tag) => !event.data.tags.includes(tag)) };
    case 'DreamDeleted':
      return undefined;
    default:
      return row;
  }
}

export const catalogueProjection: Projection = {
  name: 'catalogue',
  handles: ['DreamCreated', 'DreamImported', 'DreamBrandChanged', 'DreamTagged', 'DreamUntagged', 'DreamDeleted'],
  tables: [brandDefaultsTable, tagDefaultsTable, dreamCatalogueTable, brandUsageTable, tagUsageTable],
  apply(tx, event) {
    const dreams = tx.table(dreamCatalogueTable);
    const before = dreams.get(event.data.dreamId);
    const after = evolve(before, event);
    const owner = after?.owner_id ?? before?.owner_id;
    if (!owner) return;
    if (after) dreams.put(after);
    else dreams.delete({ dream_id: event.data.dreamId });
    // The dream stops counting for what it used before and counts for what it uses now.
    const brands = tx.table(brandUsageTable);
    const tags = tx.table(tagUsageTable);
    if (before) {
      brands.add({ owner_id: owner, brand: before.brand }, { dreams: -1 });
      for (const tag of before.tags) tags.add({ owner_id: owner, tag }, { dreams: -1 });
    }
    if (after) {
      brands.add({ owner_id: owner, brand: after.brand }, { dreams: 1 });
      for (const tag of after.tags) tags.add({ owner_id: owner, tag }, { dreams: 1 });
    }
  },
};
