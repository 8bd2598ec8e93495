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
    // Runs are read only when a run opens or closes (into or out of running), not on every update.
    const runsMove = (before.status === 'running') !== (mission.status === 'running');
    const runs = runsMove ? runsForStatusChange(before, mission, await view.runsOf(id), ctx.now, deps.newRunId) : {};
    return { put: [mission], ...runs, result: { mission, updated, ...(await warningsOf(mission, view, deps)) } };
  });
}
