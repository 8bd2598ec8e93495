import { z } from 'zod';
import { newMission } from '../src/mission/build.js';
import { CreateMissionInput } from '../src/mission/input.js';
import { checkQuota } from '../src/mission/quota.js';
import { checkMissionSize } from '../src/mission/size.js';
import { renderMission } from '../src/render/index.js';
import type { Origin } from '../src/mission/model.js';
import type { WriteView } from '../src/store/types.js';
import { defineTool, type ToolDeps } from '../src/tool.js';
import { MissionWithWarnings, buildContext, modeOf, warningsOf } from './common.js';

/** The run whose agent creates this mission, one level deeper than that run's mission. */
async function originOf(view: WriteView, deps: ToolDeps): Promise<Origin | null> {
  if (!deps.origin) return null;
  const parent = await view.get(deps.origin.missionId);
  return { ...deps.origin, depth: (parent?.origin?.depth ?? 0) + 1 };
}

export const createMission = defineTool({
  name: 'createMission',
  title: 'Create mission',
  description:
    'Create a mission: a durable assignment an agent carries out once, on a cron schedule or continuously. ' +
    'Needs a title and a goal; optionally a schedule, an outreach brief, a content plan, a window and counters. ' +
    'Call listMissions first to avoid duplicates; change it later with ' +
    'updateMission. Unknown fields are rejected.',
  inputSchema: CreateMissionInput,
  outputSchema: MissionWithWarnings,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: async (args, deps) => {
    const ctx = buildContext(deps);
    const owner = { user: deps.identity.user, org: deps.identity.org };
    const draft = newMission(args, { ...ctx, id: deps.newMissionId(), owner });
    const { mission, warnings } = await deps.store.write(async (view) => {
      let id = draft.id;
      while (await view.get(id)) id = deps.newMissionId();
      const m = { ...draft, id, origin: await originOf(view, deps) };
      if (deps.identity.kind !== 'local') checkQuota(deps.identity, await view.ownedBy(owner), deps.limits.maxMissionsPerOwner);
      checkMissionSize(m, undefined, deps.limits.maxMissionBytes);
      return { put: [m], result: { mission: m, ...(await warningsOf(m, view, deps)) } };
    });
    return { mission: renderMission(mission, modeOf(args, deps)), ...(warnings && { warnings }) } satisfies z.input<typeof MissionWithWarnings>;
  },
});
