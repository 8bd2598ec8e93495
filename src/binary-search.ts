// Binary search, written once for every sorted structure of the code (the store's indexes, the
// listMissions pages over them): an off-by-one here would be one bug, not four.

/**
 * The first index in [0, length) where `before(i)` is false, given that it is true for a prefix of
 * the range and false for the rest (`length` when it is true everywhere). O(log length) calls.
 */
export function partitionPoint(length: number, before: (i: number) => boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index in `items` (sorted by `cmp`) whose item sorts at or after `probe`. */
export function lowerBound<T, P>(items: readonly T[], probe: P, cmp: (item: T, probe: P) => number): number {
  return partitionPoint(items.length, (i) => cmp(items[i]!, probe) < 0);
}
