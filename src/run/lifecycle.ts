// What a run does to its mission (SPEC §12), as pure functions from (mission, runs, now, policy) to
// the records a store write puts. The runner, the tools and both stores share them, so that "due",
// "claim", "finish" and "lost" mean one thing everywhere.
import { changeStatus } from '../mission/lifecycle.js';
import type { Mission, ScheduleType } from '../mission/model.js';
import { coolDownMs } from '../mission/schedule.js';
import { RUNS_KEPT_PER_MISSION, type RunRecord, type RunStatus, type Trigger } from './model.js';
import { DEFAULT_APPROVAL_TIMEOUT_MS, approvedFor, awaitingRun, needsApproval, promptHash, requestRecord, supersede, type AgentLaunchView } from './approval.js';
import { budgetSpent, budgetWarning, missionSpend } from './results.js';

/** How an agent type is retried; from the agents file (or its defaults). */
export interface RetryPolicy {
  /** Further attempts of a slot after its first fails. */
  retries: number;
  /** Delay before the first retry; doubles for each later one. */
  retryDelayMs: number;
}

/** The schedule types that start runs by themselves (`none` runs only when runMission asks). */
export const RUNNABLE_TYPES = ['once', 'cron', 'continuous'] as const satisfies readonly ScheduleType[];

/** The only status a due mission has (PostgreSQL's due work asks for it from here). */
export const DUE_STATUS = 'pending';

/** A schedule that runs, or a run asked for by runMission (PostgreSQL keeps this as its `runnable` column). */
export const isRunnable = (m: Mission): boolean => (RUNNABLE_TYPES as readonly string[]).includes(m.schedule.type) || m.queuedRun?.trigger === 'manual';

/** Due at some time (its nextRun): pending, with a nextRun, and a schedule that runs (or a run asked for by runMission). */
export function mayBeDue(m: Mission): boolean {
  return m.status === DUE_STATUS && m.schedule.nextRun !== null && isRunnable(m);
}

/** Due (SPEC §12): pending, a schedule that runs (or a run asked for by runMission), nextRun at or before now. */
export function isDue(m: Mission, now: Date): boolean {
  return mayBeDue(m) && Date.parse(m.schedule.nextRun!) <= now.getTime();
}

/**
 * Missions due at `now`, oldest nextRun first, at most `limit`. `byNextRun` is sorted by nextRun
 * ascending, nulls last; `waiting` holds the missions whose approval request waits for a person (not work for a worker).
 */
export function dueMissions(byNextRun: readonly Mission[], now: Date, limit: number, waiting: ReadonlySet<string> = new Set()): Mission[] {
  const out: Mission[] = [];
  for (const m of byNextRun) {
    if (m.schedule.nextRun === null || Date.parse(m.schedule.nextRun) > now.getTime() || out.length >= limit) break;
    if (isDue(m, now) && !waiting.has(m.id)) out.push(m);
  }
  return out;
}


/**
 * How long a lease still holds after it passes: a worker that died (and so stopped renewing) leaves
 * its agent to the supervisor, which ends the agent's group within 5 s of the worker's end (SIGTERM,
 * then SIGKILL); and a second more.
 */
export const ORPHAN_END_MS = 6000;

/**
 * A run whose lease still holds: running, or closed by someone else (a pause, a delete, a hand-made
 * change, a lost lease) while its agent may still be stopping. Its worker renews the lease until the
 * agent's process group is gone, then drops it; a dead worker's lease runs out, ORPHAN_END_MS later.
 */
export const leaseHeld = (r: RunRecord, now: Date): boolean =>
  r.leaseExpiresAt !== null && Date.parse(r.leaseExpiresAt) + ORPHAN_END_MS >= now.getTime();

/** The mission's run in progress, if any. */
export function openRun(runs: readonly RunRecord[]): RunRecord | undefined {
  for (let i = runs.length - 1; i >= 0; i--) if (runs[i]!.status === 'running') return runs[i];
  return undefined;
}

/** Oldest finished runs to drop so that one more fits within the per-mission limit. */
export function runsToDrop(runs: readonly RunRecord[], keep = RUNS_KEPT_PER_MISSION): string[] {
  const excess = runs.length + 1 - keep;
  if (excess <= 0) return [];
  return runs.filter((r) => r.status !== 'running').slice(0, excess).map((r) => r.id);
}

export interface NewRun {
  id: string;
  trigger: Trigger;
  attempt: number;
  slot: string | null;
  worker: string | null;
  leaseMs: number | null;
}

/** The record of a run that starts now; `spentCents` carries the mission's spend so far (SPEC §16). */
export function startRecord(m: Mission, run: NewRun, now: Date, spentCents = 0): RunRecord {
  return {
    id: run.id,
    missionId: m.id,
    status: 'running',
    trigger: run.trigger,
    attempt: run.attempt,
    slot: run.slot,
    agentType: m.agentType,
    worker: run.worker,
    leaseExpiresAt: run.leaseMs === null ? null : new Date(now.getTime() + run.leaseMs).toISOString(),
    startedAt: now.toISOString(),
    endedAt: null,
    durationMs: null,
    exitCode: null,
    signal: null,
    error: null,
    retryAt: null,
    outputBytes: 0,
    promptHash: null,
    approval: null,
    decision: null,
    report: null,
    costCents: 0,
    spentCents,
  };
}

export interface Change {
  mission?: Mission;
  runs: RunRecord[];
  removeRuns: string[];
}

/** How deep a mission's chain of origins is: 0 for one a person made. */
export const depthOf = (m: Mission): number => m.origin?.depth ?? 0;

export type Claim =
  /** Start the agent of `run` now (with `prompt`, when the claim was given the launch view). */
  | { kind: 'run'; change: Change; run: RunRecord }
  | { kind: 'refused'; change: Change; run: RunRecord; reason: string }
  /** An approval request was opened (SPEC §15); no agent starts. */
  | { kind: 'request'; change: Change; run: RunRecord }
  /** The budget is spent (SPEC §16): the mission was paused; no agent starts. */
  | { kind: 'budget'; change: Change; reason: string }
  | { kind: 'skip' };

export interface ClaimOptions {
  runId: string;
  worker: string;
  leaseMs: number;
  maxDepth: number;
  /** What the agent would get (prompt, folder, command): what an approval binds. Required for missions that need approval. */
  view?: AgentLaunchView;
  /** How long an approval request waits for a decision (--approval-timeout). */
  approvalTimeoutMs?: number;
}

export { DEFAULT_APPROVAL_TIMEOUT_MS };

/**
 * A worker takes a due mission: one write moves it to running (runCount and lastRun, except for a
 * retry of a slot already counted) and opens the run record under a lease. Instead:
 * - a mission created by a chain of runs deeper than maxDepth is refused: a failed run says why, the mission fails;
 * - a mission whose budget is spent is paused (SPEC §16);
 * - a mission that needs approval (SPEC §15) opens a request, or waits while one is open, or starts the
 *   approved one if what the agent would get is what was approved (else that approval is void and a new
 *   request opens).
 */
export function claim(m: Mission, runs: readonly RunRecord[], now: Date, opts: ClaimOptions): Claim {
  // Never two agents of one mission: not while a run is open, nor while an earlier agent still stops.
  if (!isDue(m, now) || openRun(runs) || runs.some((r) => leaseHeld(r, now))) return { kind: 'skip' };
  const queued = m.queuedRun;
  const newRun: NewRun = {
    id: opts.runId,
    trigger: queued?.trigger ?? 'schedule',
    attempt: queued?.attempt ?? 1,
    slot: queued ? queued.slot : m.schedule.nextRun,
    worker: opts.worker,
    leaseMs: opts.leaseMs,
  };
  const removeRuns = runsToDrop(runs);
  const spent = missionSpend(runs);
  if (depthOf(m) > opts.maxDepth) {
    const reason = `refused: this mission was created by a chain of ${depthOf(m)} runs (origin ${m.origin!.missionId}), deeper than the limit of ${opts.maxDepth} (--max-depth); an agent may not start agents without end. Start it by hand with updateMission if it is wanted`;
    const run = { ...startRecord(m, newRun, now, spent), ...ended(now, now), status: 'failed' as const, leaseExpiresAt: null, error: reason };
    const mission = { ...changeStatus({ ...m, queuedRun: null }, 'failed', now), updatedAt: now.toISOString() };
    return { kind: 'refused', change: { mission, runs: [run], removeRuns }, run, reason };
  }
  if (budgetSpent(m, spent)) {
    const mission = { ...changeStatus({ ...m, queuedRun: null }, 'paused', now), updatedAt: now.toISOString() };
    return { kind: 'budget', change: { mission, runs: [], removeRuns: [] }, reason: budgetWarning(spent, m.plan.constraints.budgetCents!) };
  }
  let approved: RunRecord | undefined;
  if (needsApproval(m)) {
    if (!opts.view) throw new Error(`claim of ${m.id}: a mission that needs approval needs the launch view`);
    const waiting = awaitingRun(runs);
    const hash = promptHash(opts.view);
    if (waiting && !approvedFor(waiting, hash) && waiting.decision?.decision !== 'approve') return { kind: 'skip' }; // a person has yet to decide
    if (!waiting || !approvedFor(waiting, hash)) {
      // No request yet, or one approved for another prompt (the mission changed since): a new request.
      const void_ = waiting ? [supersede(waiting, now, 'the mission changed after it was approved, so its agent would get another prompt')] : [];
      const request = requestRecord(m, { ...newRun, spentCents: spent }, opts.view, now, opts.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS);
      return { kind: 'request', change: { mission: { ...m, updatedAt: now.toISOString() }, runs: [...void_, request], removeRuns }, run: request };
    }
    approved = waiting;
  }
  let mission = changeStatus({ ...m, queuedRun: null }, 'running', now);
  const trigger = approved?.trigger ?? newRun.trigger;
  if (trigger === 'retry') mission = { ...mission, schedule: { ...mission.schedule, runCount: m.schedule.runCount } };
  mission = { ...mission, updatedAt: now.toISOString() };
  const run: RunRecord = approved
    ? { ...approved, ...startRecord(m, { ...newRun, id: approved.id, trigger: approved.trigger, attempt: approved.attempt, slot: approved.slot }, now, spent), promptHash: approved.promptHash, approval: approved.approval, decision: approved.decision }
    : { ...startRecord(m, newRun, now, spent), ...(opts.view ? { promptHash: promptHash(opts.view) } : {}) };
  return { kind: 'run', change: { mission, runs: [run], removeRuns: approved ? [] : removeRuns }, run };
}

function ended(startedAt: Date, now: Date): Pick<RunRecord, 'endedAt' | 'durationMs'> {
  return { endedAt: now.toISOString(), durationMs: Math.max(0, now.getTime() - startedAt.getTime()) };
}

export interface Outcome {
  status: Exclude<RunStatus, 'running'>;
  exitCode?: number | null;
  signal?: string | null;
  error?: string | null;
  outputBytes?: number;
  /** The lease the run keeps once ended (a lost run: its agent may still be being ended); else none. */
  leaseUntil?: string;
}

const FAILED: ReadonlySet<RunStatus> = new Set(['failed', 'timed_out', 'lost']);

/** Recurring missions fail after this many slots in a row have failed (SPEC §12). */
export const FAILED_SLOTS_TO_FAIL = 3;

/** Whether the last `n` slots (the one just finished included) all ended in failure. */
function lastSlotsFailed(runs: readonly RunRecord[], finished: RunRecord, n: number): boolean {
  const bySlot = new Map<string, RunRecord>(); // the final attempt of each slot, newest first
  const all = [...runs.filter((r) => r.id !== finished.id), finished];
  for (let i = all.length - 1; i >= 0 && bySlot.size < n; i--) {
    const r = all[i]!;
    const key = r.slot ?? r.id;
    if (!bySlot.has(key) && r.status !== 'running') bySlot.set(key, r);
  }
  return bySlot.size >= n && [...bySlot.values()].every((r) => FAILED.has(r.status));
}

/** Into pending after a run, or completed when its window, maxRuns or once-schedule says so. */
function afterRun(m: Mission, now: Date, nextRun: string | null | undefined): Mission {
  let next = changeStatus(m, 'pending', now);
  if (next.status !== 'pending') return next;
  if (nextRun !== undefined) next = { ...next, schedule: { ...next.schedule, nextRun } };
  const endsAt = next.endsAt ? Date.parse(next.endsAt) : Infinity;
  if (next.schedule.nextRun === null || endsAt <= now.getTime()) next = changeStatus(next, 'completed', now);
  return next;
}

/**
 * A run ends: its record gets the outcome, and its mission moves on — once completes on success,
 * cron goes to its next slot, continuous comes back after its cool-down; a failure is retried after
 * a doubling delay while attempts are left; then once fails, and a recurring mission fails after
 * three failed slots in a row. A mission no longer running this run (paused, stopped, deleted)
 * keeps what was done to it; only the record is written.
 */
export function finish(m: Mission | undefined, runs: readonly RunRecord[], run: RunRecord, outcome: Outcome, now: Date, policy: RetryPolicy): Change {
  const record: RunRecord = {
    ...run,
    ...ended(new Date(run.startedAt), now),
    status: outcome.status,
    exitCode: outcome.exitCode ?? null,
    signal: outcome.signal ?? null,
    error: outcome.error ?? null,
    leaseExpiresAt: outcome.leaseUntil ?? null,
    outputBytes: outcome.outputBytes ?? run.outputBytes,
  };
  const current = runs.find((r) => r.id === run.id);
  if (!current || current.status !== 'running') return { runs: [], removeRuns: [] }; // closed by someone else, or dropped
  if (!m) return { runs: [record], removeRuns: [] }; // deleted while its runs were kept
  if (m.status !== 'running' || openRun(runs)?.id !== run.id) return { runs: [record], removeRuns: [] };
  const nowIso = now.toISOString();
  let mission: Mission;
  if (outcome.status === 'succeeded') {
    const s = m.schedule;
    if (s.type === 'once') mission = changeStatus(m, 'completed', now);
    else if (s.type === 'continuous') mission = afterRun(m, now, new Date(now.getTime() + coolDownMs(s.value)).toISOString());
    else mission = afterRun(m, now, undefined);
  } else if (outcome.status === 'cancelled') {
    // The worker was stopped (not the mission): the same slot again, at once, by whichever worker is next.
    mission = afterRun(m, now, nowIso);
    if (mission.status === 'pending') mission = { ...mission, queuedRun: { trigger: 'retry', attempt: run.attempt, slot: run.slot } };
  } else if (run.attempt <= policy.retries) {
    const retryAt = new Date(now.getTime() + policy.retryDelayMs * 2 ** (run.attempt - 1)).toISOString();
    record.retryAt = retryAt;
    mission = changeStatus(m, 'pending', now);
    if (mission.status === 'pending') {
      mission = { ...mission, schedule: { ...mission.schedule, nextRun: retryAt }, queuedRun: { trigger: 'retry', attempt: run.attempt + 1, slot: run.slot } };
    }
  } else if (m.schedule.type === 'once' || m.schedule.type === 'none' || lastSlotsFailed(runs, record, FAILED_SLOTS_TO_FAIL)) {
    mission = changeStatus(m, 'failed', now);
  } else {
    const next = m.schedule.type === 'continuous' ? new Date(now.getTime() + coolDownMs(m.schedule.value)).toISOString() : undefined;
    mission = afterRun(m, now, next);
  }
  if (mission.status !== 'pending' && mission.queuedRun) mission = { ...mission, queuedRun: null };
  return { mission: { ...mission, updatedAt: nowIso }, runs: [record], removeRuns: [] };
}

/** A running run whose lease has passed: its worker is gone. */
export const leaseExpired = (r: RunRecord, now: Date): boolean =>
  r.status === 'running' && r.leaseExpiresAt !== null && Date.parse(r.leaseExpiresAt) < now.getTime();

/** The lost outcome for a run whose worker stopped renewing its lease; it keeps that lease (leaseHeld). */
export const lostOutcome = (r: RunRecord): Outcome => ({
  status: 'lost',
  error: `worker ${r.worker} stopped renewing its lease (it was killed, or its machine stopped); the attempt counts as failed`,
  ...(r.leaseExpiresAt !== null && { leaseUntil: r.leaseExpiresAt }),
});

/**
 * A run closed by someone else whose agent has now ended: its worker drops the lease, so that the
 * mission may run again, and keeps the agent's output. Undefined when there is nothing to release.
 */
export function releaseLease(r: RunRecord, worker: string, outputBytes: number): RunRecord | undefined {
  if (r.status === 'running' || r.worker !== worker || r.leaseExpiresAt === null) return undefined;
  return { ...r, leaseExpiresAt: null, outputBytes };
}

