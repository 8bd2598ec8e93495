// Helpers every tool shares: the output mode, finding a mission the caller may see, and the one
// code path that changes a mission (updateMission, pauseMission and resumeMission all use it).
import { z } from 'zod';
import { forbidden, notFound } from '../src/errors.js';
import { canChange, canSee } from '../src/mission/access.js';
import { changedFields, updateMission, type BuildContext } from '../src/mission/build.js';
import type { Mode, MissionPatch } from '../src/mission/input.js';
import type { Mission } from '../src/mission/model.js';
import { MissionOutput } from '../src/render/index.js';
import type { MissionView } from '../src/store/types.js';
import type { ToolDeps } from '../src/tool.js';

export const modeOf = (args: { mode?: Mode | undefined }, deps: ToolDeps): Mode => args.mode ?? deps.defaultMode;

export const MissionResult = z.looseObject({ mission: MissionOutput });

export const buildContext = (deps: ToolDeps): BuildContext => ({ now: deps.now(), newImportId: deps.newImportId });

/** The mission, if the caller may see it; otherwise not_found, as if it did not exist. */
export function findVisible(view: MissionView, id: string, deps: ToolDeps): Mission {
  const m = view.get(id);
  if (!m || !canSee(m, deps.identity)) throw notFound(id);
  return m;
}

export function findChangeable(view: MissionView, id: string, deps: ToolDeps): Mission {
  const m = findVisible(view, id, deps);
  if (!canChange(m, deps.identity)) throw forbidden(id);
  return m;
}

/** Applies a patch under the store's lock; writes only if something changed. */
export function changeMission(deps: ToolDeps, id: string, patch: MissionPatch): Promise<{ mission: Mission; updated: string[] }> {
  return deps.store.write((view) => {
    const before = findChangeable(view, id, deps);
    const ctx = buildContext(deps);
    const after = updateMission(before, patch, ctx);
    const updated = changedFields(before, after);
    if (updated.length === 0) return { result: { mission: before, updated } };
    const mission = { ...after, updatedAt: ctx.now.toISOString() };
    return { put: [mission], result: { mission, updated } };
  });
}
