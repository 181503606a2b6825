/**
 * Per-user aggregates (activity, sync counts, tag usage) are sums over the user's dreams.
 * Each projection keeps the per-dream state it needs, and when a dream changes the user's
 * row moves by (what the dream contributes now) - (what it contributed before). Deleting a
 * dream is then just "contributes nothing", with no special cases.
 */
export type Counts = Record<string, number>;

export function difference(after: Counts | undefined, before: Counts | undefined): Counts {
  const delta: Counts = {};
  for (const key of new Set([...Object.keys(after ?? {}), ...Object.keys(before ?? {})])) {
    delta[key] = (after?.[key] ?? 0) - (before?.[key] ?? 0);
  }
  return delta;
}

export function isZero(counts: Counts): boolean {
  return Object.values(counts).every((value) => value === 0);
}
