// Runs opened and closed by hand (SPEC §12): an agent in a conversation may do a mission's work
// itself. Setting a mission `running` opens a manual run; leaving `running` closes the open run. A
// run a worker owns is cancelled instead, and its worker stops the agent when it sees that.
import { missionSpend } from './results.js';
import type { Mission, Status } from '../mission/model.js';
import { openRun, runsToDrop, startRecord } from './lifecycle.js';
import type { RunRecord, RunStatus } from './model.js';

export interface RunChange {
  runs: RunRecord[];
  removeRuns: string[];
}

const CLOSED_AS: Partial<Record<Status, RunStatus>> = { pending: 'succeeded', completed: 'succeeded', failed: 'failed' };

export function runsForStatusChange(before: Mission, after: Mission, runs: readonly RunRecord[], now: Date, newRunId: () => string): RunChange {
  if (before.status !== 'running' && after.status === 'running') {
    const run = startRecord(after, { id: newRunId(), trigger: 'manual', attempt: 1, slot: null, worker: null, leaseMs: null }, now, missionSpend(runs));
    return { runs: [run], removeRuns: runsToDrop(runs) };
  }
  if (before.status === 'running' && after.status !== 'running') {
    const open = openRun(runs);
    if (!open) return { runs: [], removeRuns: [] };
    return { runs: [closeByHand(open, after.status, now)], removeRuns: [] };
  }
  return { runs: [], removeRuns: [] };
}

/** The open run when its mission is moved out of `running` by a person or an agent. */
function closeByHand(open: RunRecord, to: Status, now: Date): RunRecord {
  // A worker's run is always cancelled (its worker stops the agent); a run opened by hand closes as its status says.
  const status: RunStatus = open.worker === null ? (CLOSED_AS[to] ?? 'cancelled') : 'cancelled';
  return {
    ...open,
    status,
    endedAt: now.toISOString(),
    durationMs: Math.max(0, now.getTime() - Date.parse(open.startedAt)),
    // A worker's agent may take seconds to stop: its worker keeps this lease until the agent is gone,
    // and no agent of the mission starts while it holds (lifecycle.ts, leaseHeld).
    leaseExpiresAt: open.worker === null ? null : open.leaseExpiresAt,
    error: status === 'cancelled' ? `cancelled: the mission was set to "${to}" while it ran` : null,
  };
}
