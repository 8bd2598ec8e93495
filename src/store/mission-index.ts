// The missions of a store in memory: by id, in insertion order (oldest first), and — once asked for —
// in each listMissions sort order, kept sorted as missions come and go so that a list never sorts;
// also per visibility bucket, so that a token principal's list reads only what it may see.
import type { Identity } from '../mission/access.js';
import type { Mission, Owner } from '../mission/model.js';
import { applyChange, type StoreChange } from './change.js';
import type { Sort } from '../mission/query.js';
import type { DueOrder } from '../run/fair.js';
import { DueIndex } from './due-index.js';
import { ChangeLog } from './change-log.js';
import { RunIndex } from './run-index.js';
import { SortedOrder } from './sorted-order.js';
import { VisibilityBuckets } from './visibility-buckets.js';
import type { Changes } from './types.js';

const ownerKey = (o: Owner) => JSON.stringify([o.user, o.org]);

const aclOf = (m: Mission | undefined) => (m ? { owner: m.owner, visibility: m.visibility } : null);

export class MissionIndex {
  private readonly byId: Map<string, Mission>;
  private readonly orders = new Map<Sort, SortedOrder>();
  /** Per-owner, per-org and public orders, for token principals' lists. */
  readonly buckets = new VisibilityBuckets((sort) => this.sorted(sort));
  private inserted: Mission[] | undefined;
  /** Missions per owner (user and org), for quotas. */
  private readonly owners = new Map<string, number>();
  /** Due work by owner, for workers (built on first use). */
  private dueIndex: DueIndex | undefined;

  constructor(
    missions: Iterable<Mission> = [],
    readonly runs: RunIndex = new RunIndex(),
    /** Its mission changes; a rebuilt index takes the successor of the log it replaces. */
    readonly log: ChangeLog = new ChangeLog(),
  ) {
    this.byId = new Map();
    for (const m of missions) {
      this.byId.set(m.id, m);
      this.count(m, 1);
    }
  }

  private count(m: Mission, delta: number): void {
    const key = ownerKey(m.owner);
    const n = (this.owners.get(key) ?? 0) + delta;
    if (n > 0) this.owners.set(key, n);
    else this.owners.delete(key);
  }

  ownedBy(owner: Owner): number {
    return this.owners.get(ownerKey(owner)) ?? 0;
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): Mission | undefined {
    return this.byId.get(id);
  }

  all(): readonly Mission[] {
    this.inserted ??= [...this.byId.values()];
    return this.inserted;
  }

  sorted(sort: Sort): readonly Mission[] {
    let order = this.orders.get(sort);
    if (!order) this.orders.set(sort, (order = new SortedOrder(sort, this.byId.values())));
    return order.items;
  }

  /** Due work at `now`, round robin over owners (src/run/fair.ts). */
  dueByOwner(now: Date, limit: number, order: DueOrder, skip: ReadonlySet<string> = new Set()): Mission[] {
    this.dueIndex ??= new DueIndex(this.byId.values());
    return this.dueIndex.due(now, limit, order, skip);
  }

  /** Disjoint ascending orders for one sort that together hold exactly the missions `who` may see. */
  visibleOrders(sort: Sort, who: Identity): (readonly Mission[])[] {
    return who.kind === 'local' ? [this.sorted(sort)] : this.buckets.parts(sort, who);
  }

  private record(id: string, before: Mission | undefined, after: Mission | undefined): void {
    this.log.record({ id, before: aclOf(before), after: aclOf(after) });
  }

  /** The missions changed after `version`; null when this index cannot tell (too old, or another index's). */
  changesSince(version: number | undefined): Changes {
    return this.log.since(version);
  }

  put(m: Mission): void {
    const old = this.byId.get(m.id);
    this.record(m.id, old, m);
    this.byId.set(m.id, m);
    if (old) this.count(old, -1);
    this.count(m, 1);
    for (const order of this.orders.values()) {
      if (old) order.remove(old);
      order.insert(m);
    }
    if (old) this.buckets.remove(old);
    this.buckets.insert(m);
    if (old) this.dueIndex?.remove(old);
    this.dueIndex?.insert(m);
    if (old) this.inserted = undefined;
    else this.inserted?.push(m);
  }

  remove(id: string): void {
    const old = this.byId.get(id);
    if (!old) return;
    this.record(id, old, undefined);
    this.byId.delete(id);
    this.count(old, -1);
    for (const order of this.orders.values()) order.remove(old);
    this.buckets.remove(old);
    this.dueIndex?.remove(old);
    this.inserted = undefined;
  }

  /** Applies one change: what a journal entry or a write plan holds. */
  apply(change: StoreChange): void {
    applyChange(change, {
      remove: (id) => this.remove(id),
      put: (m) => this.put(m),
      removeRuns: (id) => this.runs.remove(id),
      runs: (r) => this.runs.put(r),
      removeWorkers: (id) => this.runs.removeWorker(id),
      workers: (w) => this.runs.putWorker(w),
    });
  }
}

export { changeOf, isEmptyChange, type StoreChange } from './change.js';
