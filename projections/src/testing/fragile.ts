/** A projection that cannot apply one kind of event, to exercise dead letters and holes. */
import { PROJECTIONS } from '../registry.js';
import type { Projection } from '../runtime/projection.js';

/** The content of a fragment that `fragileSummary` refuses. */
export const POISON = 'poison';

/** dream_summary (same name and tables), except that it throws on a fragment whose content starts with `POISON`. */
export const fragileSummary: Projection = {
  ...PROJECTIONS.dream_summary,
  apply(tx, event) {
    if (event.type === 'FragmentCaptured' && event.data.fragment.content.startsWith(POISON)) throw new Error('cannot apply this one');
    PROJECTIONS.dream_summary.apply(tx, event);
  },
};
