// The file store's index of due work by owner (SPEC §12, fair slots): each owner's missions that may
// become due (pending, runnable, with a nextRun), soonest first, and the owners in their fixed order.
// A worker's question — round robin over the owners with due work, after the owner served last, for
// one tenant or all — reads each owner's first missions only: O(owners + answer), not every mission.
import type { Mission, Owner } from '../mission/model.js';
import { compareOwners, matchesOwner, rotate, roundRobin, type DueOrder } from '../run/fair.js';
import { mayBeDue } from '../run/lifecycle.js';
import { lowerBound } from '../binary-search.js';
import { SortedOrder } from './sorted-order.js';

interface OwnerQueue {
  owner: Owner;
  /** This owner's missions that may become due, by nextRun then id. */
  missions: SortedOrder;
}

export class DueIndex {
  /** Owners with at least one mission that may become due, in their fixed order. */
  private readonly owners: OwnerQueue[] = [];

  constructor(missions: Iterable<Mission>) {
    for (const m of missions) this.insert(m);
  }

  private position(owner: Owner): number {
    return lowerBound(this.owners, owner, (q, o) => compareOwners(q.owner, o));
  }

  insert(m: Mission): void {
    if (!mayBeDue(m)) return;
    const i = this.position(m.owner);
    const q = this.owners[i];
    if (q && compareOwners(q.owner, m.owner) === 0) q.missions.insert(m);
    else this.owners.splice(i, 0, { owner: { user: m.owner.user, org: m.owner.org }, missions: new SortedOrder('nextRun', [m], true) });
  }

  remove(m: Mission): void {
    if (!mayBeDue(m)) return;
    const i = this.position(m.owner);
    const q = this.owners[i];
    if (!q || compareOwners(q.owner, m.owner) !== 0) return;
    q.missions.remove(m);
    if (q.missions.items.length === 0) this.owners.splice(i, 1);
  }

  /** Due at `now`, round robin over owners (fair.ts), at most `limit`; not the missions in `skip` (their request waits for a person). */
  due(now: Date, limit: number, order: DueOrder, skip: ReadonlySet<string> = new Set()): Mission[] {
    const t = now.getTime();
    const queues = rotate(order.only ? this.owners.filter((q) => matchesOwner(q.owner, order.only)) : this.owners, order.after);
    const next = new Map<OwnerQueue, number>(); // roundRobin takes each queue's k-th in turn: where its next one is
    return roundRobin(queues, limit, (q) => {
      let i = next.get(q) ?? 0;
      while (q.missions.items[i] && skip.has(q.missions.items[i]!.id)) i++;
      const m = q.missions.items[i];
      next.set(q, i + 1);
      return m && Date.parse(m.schedule.nextRun!) <= t ? m : undefined;
    });
  }
}
