// One listMissions sort order of a set of missions: ascending (key, id), null keys last, kept sorted
// by binary search and splice as missions come and go, so that a list never sorts.
import { lowerBound } from '../binary-search.js';
import type { Mission } from '../mission/model.js';
import { compare, keyOf, type Sort } from '../mission/query.js';

export class SortedOrder {
  readonly items: Mission[];

  /** `missions` already in this order when `presorted` (no sort then). */
  constructor(
    private readonly sort: Sort,
    missions: Iterable<Mission>,
    presorted = false,
  ) {
    this.items = presorted ? [...missions] : [...missions].sort((a, b) => this.cmp(a, b));
  }

  private cmp(a: Mission, b: Mission): number {
    return compare({ key: keyOf(a, this.sort), id: a.id }, { key: keyOf(b, this.sort), id: b.id }, 'asc', this.sort);
  }

  /** The first index whose mission sorts at or after `m`. */
  private position(m: Mission): number {
    return lowerBound(this.items, m, (a, b) => this.cmp(a, b));
  }

  insert(m: Mission): void {
    this.items.splice(this.position(m), 0, m);
  }

  remove(m: Mission): void {
    const i = this.position(m);
    if (this.items[i] === m) this.items.splice(i, 1);
    else {
      const j = this.items.indexOf(m); // only if a key was changed in place, which the store never does
      if (j >= 0) this.items.splice(j, 1);
    }
  }
}
