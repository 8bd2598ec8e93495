// The lifecycle (SPEC §4) as one table. Every status change, whether from updateMission, pauseMission
// or resumeMission, goes through `changeStatus`.
import { MissionError } from '../errors.js';
import type { Mission, Status } from './model.js';
import { computeNextRun, runsUsedUp } from './schedule.js';
import { LATEST_TIME_MS } from './fields.js';

import { TRANSITIONS, canTransition } from './statuses.js';

export { TRANSITIONS, canTransition };

export function transitionConflict(id: string, from: Status, to: Status): MissionError {
  const allowed = TRANSITIONS[from];
  return new MissionError(
    'conflict',
    `Cannot change mission ${id} from "${from}" to "${to}". From "${from}" it can become: ${allowed.join(', ')}.`,
    { param: 'status' },
  );
}

/**
 * Applies a status change to a mission whose other fields are already final. Same status: unchanged.
 * - to running: a run starts (runCount + 1, lastRun = now).
 * - running → pending: the run ended.
 * - to pending with runCount ≥ maxRuns: the mission completes instead (SPEC §3).
 * - to paused: pausedAt = now (the duration clock stops).
 * - paused → pending: endsAt moves later by the time paused; pausedAt cleared.
 * - paused → completed/archived: pausedAt cleared, endsAt kept.
 * nextRun is recomputed whenever the status changes.
 */
export function changeStatus(m: Mission, to: Status, now: Date): Mission {
  if (m.status === to) return m;
  if (!canTransition(m.status, to)) throw transitionConflict(m.id, m.status, to);
  const nowIso = now.toISOString();
  let next: Mission = { ...m, status: to, schedule: { ...m.schedule } };
  if (to === 'running') {
    next.schedule.runCount += 1;
    next.schedule.lastRun = nowIso;
  }
  // A mission that has used up its runs cannot wait for another: into pending means completed
  // (also on resume or restart; raise maxRuns in the same updateMission call to run it again).
  if (to === 'pending' && runsUsedUp(m.schedule)) {
    next.status = 'completed';
  }
  if (to === 'paused') next.pausedAt = nowIso;
  if (m.status === 'paused') {
    if (to === 'pending' && m.pausedAt && m.endsAt) {
      const pausedFor = Math.max(0, now.getTime() - Date.parse(m.pausedAt));
      next.endsAt = new Date(Math.min(Date.parse(m.endsAt) + pausedFor, LATEST_TIME_MS)).toISOString();
    }
    next.pausedAt = null;
  }
  next = { ...next, schedule: { ...next.schedule, nextRun: computeNextRun(next, now) } };
  return next;
}
