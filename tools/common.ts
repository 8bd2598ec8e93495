// Helpers every tool shares: the output mode, finding a mission the caller may see, and the one
// code path that changes a mission (updateMission, pauseMission and resumeMission all use it).
import { z } from 'zod';
import { forbidden, notFound } from '../src/errors.js';
import { canChange, canSee } from '../src/mission/access.js';
import { changedFields, updateMission, type BuildContext } from '../src/mission/build.js';
import type { Mode, MissionPatch } from '../src/mission/input.js';
import type { Mission } from '../src/mission/model.js';
import { checkMissionSize } from '../src/mission/size.js';
import { MissionOutput } from '../src/render/index.js';
import { runsForStatusChange } from '../src/run/manual.js';
import { awaitingRun, needsApproval, requestAfterEdit } from '../src/run/approval.js';
import type { RunRecord } from '../src/run/model.js';
import { budgetSpent, budgetWarning, missionSpend } from '../src/run/results.js';
import { missionWarnings } from '../src/run/warnings.js';
import type { WriteView } from '../src/store/types.js';
import type { ToolDeps } from '../src/tool.js';

export const modeOf = (args: { mode?: Mode | undefined }, deps: ToolDeps): Mode => args.mode ?? deps.defaultMode;

export const MissionResult = z.looseObject({ mission: MissionOutput });
/** For tools whose result may say what looks unintended (a once time in the past, no runner seen). */
export const MissionWithWarnings = z.looseObject({ mission: MissionOutput, warnings: z.array(z.string()).optional() });

/** `{ warnings }` when there are any, else nothing (results stay small). */
export async function warningsOf(m: Mission, view: WriteView, deps: ToolDeps): Promise<{ warnings?: string[] }> {
  const warnings = missionWarnings(m, await view.workers(), deps.now(), deps.agentProblem);
  // A budgeted mission (SPEC §16): say when its spend has reached the budget (its runs are read only then).
  if (m.plan.constraints.budgetCents !== null && m.status !== 'completed' && m.status !== 'archived') {
    const spent = missionSpend(await view.runsOf(m.id));
    if (budgetSpent(m, spent)) warnings.push(budgetWarning(spent, m.plan.constraints.budgetCents));
  }
  return warnings.length > 0 ? { warnings } : {};
}

export const buildContext = (deps: ToolDeps): BuildContext => ({ now: deps.now(), newImportId: deps.newImportId });

/** The mission, if the caller may see it; otherwise not_found, as if it did not exist. */
export async function findVisible(view: WriteView, id: string, deps: ToolDeps): Promise<Mission> {
  const m = await view.get(id);
  if (!m || !canSee(m, deps.identity)) throw notFound(id);
  return m;
}

export async function findChangeable(view: WriteView, id: string, deps: ToolDeps): Promise<Mission> {
  const m = await findVisible(view, id, deps);
  if (!canChange(m, deps.identity)) throw forbidden(id);
  return m;
}

/** The mission's open approval request, superseded if the change means its agent would get something else (SPEC §15). */
function voidedRequest(before: Mission, after: Mission, runs: readonly RunRecord[], deps: ToolDeps, now: Date): RunRecord | undefined {
  const open = awaitingRun(runs);
  if (!open) return undefined;
  const samePrompt = deps.launchView(before, runs).prompt === deps.launchView(after, runs).prompt;
  return requestAfterEdit(before, after, open, samePrompt, now);
}

/**
 * Applies a patch under the store's lock; writes only if something changed. Into `running` by hand
 * opens a manual run; out of `running` closes the open run (a worker's run is cancelled, and its
 * worker stops the agent).
 */
export function changeMission(deps: ToolDeps, id: string, patch: MissionPatch): Promise<{ mission: Mission; updated: string[]; warnings?: string[] }> {
  return deps.store.write(async (view) => {
    const before = await findChangeable(view, id, deps);
    const ctx = buildContext(deps);
    const after = updateMission(before, patch, ctx);
    const updated = changedFields(before, after);
    if (updated.length === 0) return { result: { mission: before, updated, ...(await warningsOf(before, view, deps)) } };
    const mission = { ...after, updatedAt: ctx.now.toISOString() };
    checkMissionSize(mission, before, deps.limits.maxMissionBytes);
    // Runs are read only when a run opens or closes (into or out of running), or when the mission has an
    // approval request that the change may void (SPEC §15), not on every update.
    const runsMove = (before.status === 'running') !== (mission.status === 'running');
    const runs = runsMove || needsApproval(before) ? await view.runsOf(id) : [];
    const moved = runsMove ? runsForStatusChange(before, mission, runs, ctx.now, deps.newRunId) : { runs: [], removeRuns: [] };
    const voided = needsApproval(before) ? voidedRequest(before, mission, runs, deps, ctx.now) : undefined;
    const runChanges = { runs: [...moved.runs, ...(voided ? [voided] : [])], removeRuns: moved.removeRuns };
    return { put: [mission], ...runChanges, result: { mission, updated, ...(await warningsOf(mission, view, deps)) } };
  });
}
