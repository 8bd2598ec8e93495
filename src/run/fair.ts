// How a worker orders due work (SPEC §12): round robin over the owners (user and org) that have due
// missions, so that one owner's many due missions cannot keep another owner's waiting. Round 1 holds
// each owner's soonest due mission, round 2 each owner's second, and so on; within a round, owners go
// in a fixed order (user, then org, no org first) that starts after the owner served last, so that
// the owner just served is the last of each round. Pure rules, shared by both stores and the worker.
import type { Mission, Owner } from '../mission/model.js';
import { compareCodePoints } from '../mission/text.js';

/** Only the missions of one tenant: `run --only-user USER` / `--only-org ORG` (both: that user in that org). */
export interface OwnerFilter {
  user?: string;
  org?: string;
}

/** What a worker asks `due()` for, beside the time and the count. */
export interface DueOrder {
  /** The owner served last: the rotation starts after it. */
  after?: Owner | null;
  only?: OwnerFilter;
}

/**
 * The owners' fixed order: by user, then missions without an org before those with one, then by org;
 * names in code-point order (compareCodePoints), which PostgreSQL's COLLATE "C" gives too.
 */
export function compareOwners(a: Owner, b: Owner): number {
  if (a.user !== b.user) return compareCodePoints(a.user, b.user);
  if (a.org === b.org) return 0;
  if (a.org === null) return -1;
  if (b.org === null) return 1;
  return compareCodePoints(a.org, b.org);
}

export const matchesOwner = (owner: Owner, only: OwnerFilter | undefined): boolean =>
  (only?.user === undefined || owner.user === only.user) && (only?.org === undefined || owner.org === only.org);

/** Owners (in the fixed order) rotated to start after `after`. */
export function rotate<T extends { owner: Owner }>(sorted: readonly T[], after: Owner | null | undefined): T[] {
  if (!after) return [...sorted];
  let i = 0;
  while (i < sorted.length && compareOwners(sorted[i]!.owner, after) <= 0) i++;
  return [...sorted.slice(i), ...sorted.slice(0, i)];
}

/**
 * Round robin over `queues` (each an owner's due missions, soonest first, in rotated owner order):
 * the first of each, then the second of each, … at most `limit`. `take(q, k)` gives the k-th due
 * mission of queue q, or undefined when it has no more (so a queue is read only as far as needed).
 */
export function roundRobin<Q>(queues: readonly Q[], limit: number, take: (q: Q, k: number) => Mission | undefined): Mission[] {
  const out: Mission[] = [];
  let live = [...queues];
  for (let k = 0; live.length > 0 && out.length < limit; k++) {
    const next: Q[] = [];
    for (const q of live) {
      if (out.length >= limit) break;
      const m = take(q, k);
      if (m) {
        out.push(m);
        next.push(q);
      }
    }
    live = next;
  }
  return out;
}

/** How a worker describes its tenant filter in its log, e.g. "only the missions of user alice in org acme". */
export function describeOnly(only: OwnerFilter | undefined): string | undefined {
  if (!only || (only.user === undefined && only.org === undefined)) return undefined;
  const who = [only.user !== undefined && `user ${only.user}`, only.org !== undefined && `${only.user !== undefined ? 'in ' : ''}org ${only.org}`].filter(Boolean).join(' ');
  return `only the missions of ${who}`;
}
