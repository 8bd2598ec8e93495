// The store's questions answered from a MissionIndex in memory (the file and :memory: stores). Each
// answer is taken synchronously from the index the store has just brought up to date.
import { canSee, type Identity } from '../mission/access.js';
import type { Owner } from '../mission/model.js';
import { listPage, type MissionQuery } from '../mission/query.js';
import type { DueOrder } from '../run/fair.js';
import { dueMissions } from '../run/lifecycle.js';
import { listRunsPage, type RunQuery } from '../run/query.js';
import { awaitsPerson } from '../run/model.js';
import type { MissionIndex } from './mission-index.js';
import type { StoreQueries, WriteView } from './types.js';

/** A write plan's view of an index (the store holds its lock while the plan runs). */
export function writeViewOf(index: MissionIndex): WriteView {
  return {
    get: async (id) => index.get(id),
    getUnlessBusy: async (id) => index.get(id),
    getRun: async (id) => index.runs.get(id),
    runsOf: async (missionId) => index.runs.ofMission(missionId),
    activeRuns: async () => [...index.runs.active()],
    workers: async () => [...index.runs.workers.values()],
    ownedBy: async (owner: Owner) => index.ownedBy(owner),
  };
}

/** Missions whose approval request waits for a person: read off the open runs, which are few. */
function waitingForPeople(index: MissionIndex): Set<string> {
  const ids = new Set<string>();
  for (const r of index.runs.active()) if (awaitsPerson(r)) ids.add(r.missionId);
  return ids;
}

/** Every question, each asked of the index `fresh()` resolves to (brought up to date first). */
export function indexQueries(fresh: () => Promise<MissionIndex>): StoreQueries {
  const ask =
    <A extends unknown[], R>(f: (index: MissionIndex, ...args: A) => R) =>
    async (...args: A): Promise<Awaited<R>> =>
      await f(await fresh(), ...args);
  const view = (index: MissionIndex) => writeViewOf(index);
  return {
    get: ask((i, id: string) => view(i).get(id)),
    getUnlessBusy: ask((i, id: string) => view(i).get(id)),
    getRun: ask((i, id: string) => view(i).getRun(id)),
    runsOf: ask((i, missionId: string) => view(i).runsOf(missionId)),
    activeRuns: ask((i) => view(i).activeRuns()),
    workers: ask((i) => view(i).workers()),
    ownedBy: ask((i, owner: Owner) => view(i).ownedBy(owner)),
    list: ask((i, query: MissionQuery, who: Identity, now: Date) =>
      listPage((sort) => i.visibleOrders(sort, who), query, now),
    ),
    due: ask((i, now: Date, limit: number, order?: DueOrder) =>
      order ? i.dueByOwner(now, limit, order, waitingForPeople(i)) : dueMissions(i.sorted('nextRun'), now, limit, waitingForPeople(i)),
    ),
    listRuns: ask((i, query: RunQuery, who: Identity) =>
      listRunsPage(i.runs, query, (missionId) => {
        const m = i.get(missionId);
        return m !== undefined && canSee(m, who);
      }),
    ),
    changesSince: ask((i, version: number | undefined) => i.changesSince(version)),
    counts: ask((i) => ({ missions: i.size, runs: i.runs.size })),
  };
}
