// The worker's store writes. Each is one atomic write whose plan decides against the fresh view
// under the store's lock, so that what it checked still holds when it is written: two workers never
// claim one slot, a lease is renewed only by the worker that holds it, a run ends only once.
import type { AgentType, Mission } from '../mission/model.js';
import { claim, finish, leaseExpired, lostOutcome, releaseLease, type Change, type Claim, type ClaimOptions, type Outcome, type RetryPolicy } from '../run/lifecycle.js';
import { expire, requestExpired, type AgentLaunchView } from '../run/approval.js';
import type { RunRecord, WorkerRecord } from '../run/model.js';
import type { MissionStore, WritePlan } from '../store/types.js';

export interface Claimed {
  kind: Claim['kind'];
  mission?: Mission;
  run?: RunRecord;
  reason?: string;
  /** For kind "run": the exact prompt, folder and command the agent gets (what an approval bound). */
  view?: AgentLaunchView;
}

/** What the agent of a mission would get now, from its runs (the prompt starts from the last run). */
export type LaunchView = (m: Mission, runs: readonly RunRecord[]) => AgentLaunchView;

const planOf = <T>(change: Change, result: T, extra: Partial<WritePlan<T>> = {}): WritePlan<T> => ({
  put: change.mission ? [change.mission] : [],
  runs: change.runs,
  removeRuns: change.removeRuns,
  ...extra,
  result,
});

/**
 * Claims `missionId` if it is still due and has no open run: starts it, or opens its approval request,
 * or pauses it when its budget is spent (lifecycle.ts `claim`). `launchView` says what its agent would
 * get, decided against the runs read under the same lock.
 */
export function claimMission(
  store: MissionStore,
  missionId: string,
  now: Date,
  opts: Omit<ClaimOptions, 'view'> & { launchView: LaunchView },
): Promise<Claimed> {
  return store.write(async (view) => {
    const m = await view.getUnlessBusy(missionId); // another runner claiming it: skip, do not wait
    if (!m) return { result: { kind: 'skip' as const } };
    const runs = await view.runsOf(m.id);
    const launch = opts.launchView(m, runs);
    const c = claim(m, runs, now, { ...opts, view: launch });
    if (c.kind === 'skip') return { result: { kind: 'skip' as const } };
    const result: Claimed = {
      kind: c.kind,
      mission: c.change.mission ?? m,
      ...('run' in c ? { run: c.run } : {}),
      ...('reason' in c ? { reason: c.reason } : {}),
      ...(c.kind === 'run' ? { view: launch } : {}),
    };
    return planOf(c.change, result);
  });
}

/** Expires the approval requests nobody decided in time (handled as a reject: the slot is skipped). */
export async function expireRequests(store: MissionStore, now: Date): Promise<RunRecord[]> {
  if (!(await store.activeRuns()).some((r) => requestExpired(r, now))) return [];
  return store.write(async (v) => {
    const puts: Mission[] = [];
    const runs: RunRecord[] = [];
    for (const seen of await v.activeRuns()) {
      if (!requestExpired(seen, now)) continue;
      const mission = await v.get(seen.missionId);
      const r = await v.getRun(seen.id); // again, now that its mission is locked
      if (!r || !requestExpired(r, now)) continue;
      const done = expire(mission, r, now);
      if (done.mission) puts.push(done.mission);
      runs.push(done.run);
    }
    return { put: puts, runs, result: runs };
  });
}

export interface Finished {
  /** Whether the outcome was recorded (false: the run was closed already). */
  written: boolean;
  /** A run closed by someone else: its lease was dropped now that the agent is gone. */
  released?: boolean;
  run?: RunRecord;
  mission?: Mission;
}

/**
 * Records how a run ended, if it is still running under this worker. A pause, a delete or a lost
 * lease may have closed it already: then only its lease is dropped (the agent is gone, the mission
 * may run again) and its output kept.
 */
export function finishRun(
  store: MissionStore,
  runId: string,
  worker: string,
  outcome: Outcome,
  output: string,
  now: Date,
  policy: RetryPolicy,
): Promise<Finished> {
  return store.write<Finished>(async (view) => {
    const r0 = await view.getRun(runId);
    const released = r0 && releaseLease(r0, worker, outcome.outputBytes ?? 0);
    if (released) return { runs: [released], outputs: { [runId]: output }, result: { written: false, released: true } };
    if (!r0 || r0.status !== 'running' || r0.worker !== worker) return { result: { written: false } };
    // The mission first, then its runs again: a store that locks rows locks the mission before its runs.
    const mission = await view.get(r0.missionId);
    const r = await view.getRun(runId);
    if (!r || r.status !== 'running' || r.worker !== worker) return { result: { written: false } };
    const change = finish(mission, await view.runsOf(r.missionId), r, outcome, now, policy);
    const record = change.runs.find((x) => x.id === runId);
    return planOf(change, { written: true, ...(record ? { run: record } : {}), ...(change.mission ? { mission: change.mission } : {}) }, record ? { outputs: { [runId]: output } } : {});
  });
}

/** Marks every run whose lease has passed as lost (and moves its mission on); returns them. */
export async function expireLostRuns(store: MissionStore, now: Date, policyOf: (t: AgentType) => RetryPolicy): Promise<RunRecord[]> {
  if (!(await store.activeRuns()).some((r) => leaseExpired(r, now))) return [];
  return store.write(async (v) => {
    const puts = new Map<string, Mission>();
    const runs: RunRecord[] = [];
    for (const seen of await v.activeRuns()) {
      if (!leaseExpired(seen, now)) continue;
      const mission = puts.get(seen.missionId) ?? (await v.get(seen.missionId));
      const r = await v.getRun(seen.id); // again, now that its mission is locked
      if (!r || r.status !== 'running' || !leaseExpired(r, now)) continue;
      const change = finish(mission, await v.runsOf(r.missionId), r, lostOutcome(r), now, policyOf(r.agentType));
      if (change.mission) puts.set(change.mission.id, change.mission);
      runs.push(...change.runs);
    }
    return { put: [...puts.values()], runs, result: runs };
  });
}

/**
 * One write every lease/3: this worker's heartbeat, and the leases of its agents moved on: runs still
 * running under it, and runs closed by someone else whose agent is still stopping (their lease not yet
 * dropped). Workers silent for ten of their leases are forgotten.
 */
export function keepAlive(store: MissionStore, me: WorkerRecord, runIds: readonly string[], leaseMs: number): Promise<void> {
  const now = Date.parse(me.seenAt);
  const until = new Date(now + leaseMs).toISOString();
  return store.write(async (view) => {
    const runs: RunRecord[] = [];
    for (const id of runIds) {
      const r = await view.getRun(id);
      if (r && r.worker === me.id && r.leaseExpiresAt !== null) runs.push({ ...r, leaseExpiresAt: until });
    }
    const stale = (await view.workers()).filter((w) => w.id !== me.id && Date.parse(w.seenAt) + 10 * w.leaseSeconds * 1000 < now).map((w) => w.id);
    return { runs, workers: [me], removeWorkers: stale, result: undefined };
  });
}

export function removeWorker(store: MissionStore, id: string): Promise<void> {
  return store.write(() => ({ removeWorkers: [id], result: undefined }));
}
