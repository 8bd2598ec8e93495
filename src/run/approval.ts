// Approvals (SPEC §15) as pure rules: a mission whose plan.constraints.requireApproval is true never
// starts an agent without a person's yes to that very run. A due slot opens a run `awaiting_approval`
// bound to the SHA-256 of the exact prompt, agent type and working folder; a decision approves it (the
// next worker starts it, if the prompt is still the same) or rejects it (the slot is skipped); nobody
// deciding in time expires it (handled as a reject); an edit that changes what the agent would get
// supersedes it. None of these statuses started an agent.
import { createHash } from 'node:crypto';
import { changeStatus } from '../mission/lifecycle.js';
import type { Mission } from '../mission/model.js';
import { coolDownMs, computeNextRun } from '../mission/schedule.js';
import type { ApprovalRequest, Decision, RunRecord } from './model.js';

/** --approval-timeout's default: a request nobody decides in a day expires. */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 24 * 3_600_000;

export const needsApproval = (m: Pick<Mission, 'plan'>): boolean => m.plan.constraints.requireApproval === true;

/** What the agent of a run would get; its hash is what an approval binds. */
export interface AgentLaunchView {
  prompt: string;
  agentType: string;
  /** The working folder. */
  cwd: string;
  /** The command line, for people to read (argv joined). */
  command: string;
}

export function promptHash(view: Pick<AgentLaunchView, 'prompt' | 'agentType' | 'cwd'>): string {
  return createHash('sha256').update(JSON.stringify([view.prompt, view.agentType, view.cwd])).digest('hex');
}

/** The mission's open approval request (at most one), if any. */
export function awaitingRun(runs: readonly RunRecord[]): RunRecord | undefined {
  for (let i = runs.length - 1; i >= 0; i--) if (runs[i]!.status === 'awaiting_approval') return runs[i];
  return undefined;
}

/**
 * The prompt an open request asks a person to approve (getRun shows it): what the agent would get now,
 * if it still hashes to the request with the request's own agent type and folder (so this process's
 * agents file and folder do not matter); null otherwise (the request is about to be voided).
 */
export function promptToApprove(r: RunRecord, view: Pick<AgentLaunchView, 'prompt'>): string | null {
  if (r.status !== 'awaiting_approval' || !r.approval || !r.promptHash) return null;
  return promptHash({ prompt: view.prompt, agentType: r.agentType, cwd: r.approval.cwd }) === r.promptHash ? view.prompt : null;
}

/** An approved request whose prompt is still the one approved: the next worker may start it. */
export const approvedFor = (r: RunRecord, hash: string): boolean => r.decision?.decision === 'approve' && r.promptHash === hash;

/** The run record of a new approval request (no worker, no lease: nothing runs). */
export function requestRecord(
  m: Mission,
  run: { id: string; trigger: RunRecord['trigger']; attempt: number; slot: string | null; spentCents: number },
  view: AgentLaunchView,
  now: Date,
  timeoutMs: number,
): RunRecord {
  const approval: ApprovalRequest = { command: view.command, cwd: view.cwd, expiresAt: new Date(now.getTime() + timeoutMs).toISOString() };
  return {
    id: run.id,
    missionId: m.id,
    status: 'awaiting_approval',
    trigger: run.trigger,
    attempt: run.attempt,
    slot: run.slot,
    agentType: m.agentType,
    worker: null,
    leaseExpiresAt: null,
    startedAt: now.toISOString(),
    endedAt: null,
    durationMs: null,
    exitCode: null,
    signal: null,
    error: null,
    retryAt: null,
    outputBytes: 0,
    promptHash: promptHash(view),
    approval,
    decision: null,
    report: null,
    costCents: 0,
    spentCents: run.spentCents,
  };
}

/**
 * The longest `error` a run record holds (RunRecord): a longer one would be written, and then refused by
 * every store that reads it back (a journal line that is "not a journal entry" stops the whole store).
 */
const ERROR_MAX = 2000;
/** How much of a person's note the error quotes; the whole note is in the run's decision. */
const NOTE_QUOTED = 500;

function closeRequest(r: RunRecord, status: 'rejected' | 'expired' | 'superseded', now: Date, error: string, decision?: Decision): RunRecord {
  return {
    ...r,
    status,
    endedAt: now.toISOString(),
    durationMs: Math.max(0, now.getTime() - Date.parse(r.startedAt)),
    error: error.length > ERROR_MAX ? `${error.slice(0, ERROR_MAX - 1)}…` : error,
    ...(decision ? { decision } : {}),
  };
}

/**
 * The mission after its slot was skipped (a reject or an expiry): cron and continuous move to their next
 * slot, a once mission is paused; a queued manual run or retry is dropped.
 */
export function skipSlot(m: Mission, now: Date): Mission {
  if (m.status !== 'pending') return m;
  const base: Mission = { ...m, queuedRun: null, updatedAt: now.toISOString() };
  const s = m.schedule;
  if (s.type === 'once') return { ...changeStatus(base, 'paused', now), updatedAt: now.toISOString() };
  if (s.type === 'continuous') return { ...base, schedule: { ...s, nextRun: new Date(now.getTime() + coolDownMs(s.value)).toISOString() } };
  if (s.type === 'cron') return { ...base, schedule: { ...s, nextRun: computeNextRun(base, now) } };
  return { ...base, schedule: { ...s, nextRun: null } }; // none: it ran only because runMission asked
}

/** A person's decision on an open request: approve leaves it for the next worker; reject closes it and skips the slot. */
export function decide(m: Mission, r: RunRecord, decision: Decision, now: Date): { mission?: Mission; run: RunRecord } {
  if (decision.decision === 'approve') return { run: { ...r, decision }, mission: { ...m, updatedAt: now.toISOString() } };
  const note = decision.note ? `: ${decision.note.length > NOTE_QUOTED ? `${decision.note.slice(0, NOTE_QUOTED)}…` : decision.note}` : '';
  const run = closeRequest(r, 'rejected', now, `rejected by ${decision.by.user}${note}; the slot was skipped`, decision);
  return { run, mission: skipSlot(m, now) };
}

/** A request nobody decided in time: expired, handled as a reject. */
export function expire(m: Mission | undefined, r: RunRecord, now: Date): { mission?: Mission; run: RunRecord } {
  const run = closeRequest(r, 'expired', now, `nobody decided by ${r.approval?.expiresAt ?? 'the deadline'} (--approval-timeout); the slot was skipped`);
  return m ? { run, mission: skipSlot(m, now) } : { run };
}

/** A request that no longer matches what the agent would get (or whose mission left pending): void. */
export const supersede = (r: RunRecord, now: Date, why: string): RunRecord => closeRequest(r, 'superseded', now, `superseded: ${why}; nothing ran`);

export const requestExpired = (r: RunRecord, now: Date): boolean =>
  r.status === 'awaiting_approval' && r.decision == null && r.approval != null && Date.parse(r.approval.expiresAt) <= now.getTime();

/**
 * What a change to a mission does to its open request: void when the mission left pending, or when what
 * the agent would get changed (its prompt's inputs, agent type or space). `samePrompt` says whether the
 * prompt is unchanged.
 */
export function requestAfterEdit(before: Mission, after: Mission, r: RunRecord | undefined, samePrompt: boolean, now: Date): RunRecord | undefined {
  if (!r) return undefined;
  if (after.status !== 'pending') return supersede(r, now, `the mission was set to "${after.status}"`);
  if (!needsApproval(after)) return supersede(r, now, 'the mission no longer requires approval');
  if (!samePrompt || before.agentType !== after.agentType || before.spaceId !== after.spaceId) {
    return supersede(r, now, 'the mission was changed, so its agent would get another prompt; a new request is opened for it');
  }
  return undefined;
}
