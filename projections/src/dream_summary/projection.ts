/** `dream_summary`: one row per dream with its counts, for lists, filters and statistics. */
import { ALL_DREAM_EVENTS } from '../shared/event-types.js';
import type { Projection } from '../runtime/projection.js';
import { evolveSummary } from './evolve.js';
import { dreamSummaryTable } from './migrations.js';

export const dreamSummaryProjection: Projection = {
  name: 'dream_summary',
  handles: ALL_DREAM_EVENTS,
  tables: [dreamSummaryTable],
  apply(tx, event) {
    const rows = tx.table(dreamSummaryTable);
    const row = rows.get(event.data.dreamId);
    const next = evolveSummary(row, event);
    if (next) rows.put(next);
    else if (row) rows.delete({ dream_id: row.dream_id });
  },
};
