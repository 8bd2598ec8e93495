// Who sees what, as an index (SPEC §9, AUDIENCE in src/mission/access.ts): every mission falls in
// exactly one bucket, and a token principal sees exactly three of them, so its list reads only
// missions it may see.
//   public                 seen by everyone (visibility public)
//   org:<org>              seen by an org, with an org: the users of that org (organization)
//   owner:<user,org>       seen by its owner alone (private, or organization without an org)
// The owner also sees its own missions in the other two buckets, which it sees anyway; so the union
// of its owner bucket, its org's bucket (when it has an org) and public is what canSee allows.
import { AUDIENCE, type Identity } from '../mission/access.js';
import type { Mission } from '../mission/model.js';
import type { Sort } from '../mission/query.js';
import { SortedOrder } from './sorted-order.js';

type Guarded = Pick<Mission, 'owner' | 'visibility'>;

const PUBLIC = 'public';
const orgBucket = (org: string) => `org:${JSON.stringify(org)}`;
const ownerBucket = (user: string, org: string | null) => `owner:${JSON.stringify([user, org])}`;

/** The one bucket a mission falls in. */
export function bucketOf(m: Guarded): string {
  const audience = AUDIENCE[m.visibility];
  if (audience === 'everyone') return PUBLIC;
  if (audience === 'org' && m.owner.org !== null) return orgBucket(m.owner.org);
  return ownerBucket(m.owner.user, m.owner.org);
}

/** The disjoint buckets whose union is what a token principal may see. */
export function bucketsOf(who: Identity & { kind: 'token' }): string[] {
  return who.org === null ? [ownerBucket(who.user, who.org), PUBLIC] : [ownerBucket(who.user, who.org), orgBucket(who.org), PUBLIC];
}

/**
 * Each bucket's missions in every sort order asked for so far (built on first use from the store's
 * global order, in one pass), kept sorted as missions come and go. Arrays of references, no copies;
 * an emptied bucket is dropped.
 */
export class VisibilityBuckets {
  private readonly bySort = new Map<Sort, Map<string, SortedOrder>>();

  /** `sorted(sort)`: every mission of the store in ascending order for that sort. */
  constructor(private readonly sorted: (sort: Sort) => readonly Mission[]) {}

  private ofSort(sort: Sort): Map<string, SortedOrder> {
    let buckets = this.bySort.get(sort);
    if (!buckets) {
      const members = new Map<string, Mission[]>();
      for (const m of this.sorted(sort)) {
        const key = bucketOf(m);
        const list = members.get(key);
        if (list) list.push(m);
        else members.set(key, [m]);
      }
      buckets = new Map();
      for (const [key, list] of members) buckets.set(key, new SortedOrder(sort, list, true));
      this.bySort.set(sort, buckets);
    }
    return buckets;
  }

  /** The ascending orders, for one sort, of the non-empty buckets `who` sees. */
  parts(sort: Sort, who: Identity & { kind: 'token' }): (readonly Mission[])[] {
    const buckets = this.ofSort(sort);
    const out: (readonly Mission[])[] = [];
    for (const key of bucketsOf(who)) {
      const order = buckets.get(key);
      if (order) out.push(order.items);
    }
    return out;
  }

  insert(m: Mission): void {
    if (this.bySort.size === 0) return;
    const key = bucketOf(m);
    for (const [sort, buckets] of this.bySort) {
      const order = buckets.get(key);
      if (order) order.insert(m);
      else buckets.set(key, new SortedOrder(sort, [m], true));
    }
  }

  remove(m: Mission): void {
    if (this.bySort.size === 0) return;
    const key = bucketOf(m);
    for (const buckets of this.bySort.values()) {
      const order = buckets.get(key);
      if (!order) continue;
      order.remove(m);
      if (order.items.length === 0) buckets.delete(key);
    }
  }

  /** How many buckets exist for one sort order (tests: emptied buckets are dropped). */
  count(sort: Sort): number {
    return this.bySort.get(sort)?.size ?? 0;
  }
}
