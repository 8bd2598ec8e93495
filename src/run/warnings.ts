// Warnings beside a result (SPEC §12, like SalesTouch's meta.warnings): things that are allowed but
// probably not what the caller meant, said in a line each.
import type { Mission } from '../mission/model.js';
import { runsUsedUp } from '../mission/schedule.js';
import type { WorkerRecord } from './model.js';

/** A worker that has written its heartbeat within its lease period. */
export function workerSeen(workers: readonly WorkerRecord[], now: Date): boolean {
  for (const w of workers) if (Date.parse(w.seenAt) + w.leaseSeconds * 1000 >= now.getTime()) return true;
  return false;
}

export const NO_WORKER =
  'no runner seen on this store lately: start "missions-mcp run", or do the work yourself (updateMission status "running", then "pending")';

/** What to warn about a mission as it now stands; `agentProblem` says why its agent could not start here. */
export function missionWarnings(m: Mission, workers: readonly WorkerRecord[], now: Date, agentProblem?: (t: Mission['agentType']) => string | undefined): string[] {
  const out: string[] = [];
  const s = m.schedule;
  const active = m.status === 'pending' || m.status === 'running';
  if (active && s.type === 'once' && s.value !== null && s.runCount === 0 && Date.parse(s.value) < now.getTime()) {
    out.push(`schedule.value ${s.value} is in the past: the mission is due now`);
  }
  if (active && s.type !== 'none' && s.nextRun === null && m.endsAt !== null && !runsUsedUp(s) && !(s.type === 'once' && s.runCount > 0)) {
    out.push(`the next run would fall after endsAt (${m.endsAt}), so none is scheduled: move endsAt later or change the schedule`);
  }
  if (m.status === 'pending' && s.nextRun !== null && !workerSeen(workers, now)) out.push(NO_WORKER);
  const agent = m.status === 'pending' && s.nextRun !== null ? agentProblem?.(m.agentType) : undefined;
  if (agent) out.push(agent);
  return out;
}
