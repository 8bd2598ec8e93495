import { z } from 'zod';
import { newMission } from '../src/mission/build.js';
import { CreateMissionInput } from '../src/mission/input.js';
import { renderMission } from '../src/render/index.js';
import { defineTool } from '../src/tool.js';
import { MissionResult, buildContext, modeOf } from './common.js';

export const createMission = defineTool({
  name: 'createMission',
  title: 'Create mission',
  description:
    'Create a mission: a durable assignment an agent carries out once, on a cron schedule or continuously. ' +
    'Needs a title and a goal; optionally a schedule, an outreach brief, a content plan, a window and counters. ' +
    'Returns the mission with its id and nextRun. Call listMissions first to avoid duplicates; change it later with ' +
    'updateMission. Unknown fields are rejected.',
  inputSchema: CreateMissionInput,
  outputSchema: MissionResult,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: async (args, deps) => {
    const ctx = buildContext(deps);
    const owner = { user: deps.identity.user, org: deps.identity.org };
    const draft = newMission(args, { ...ctx, id: deps.newMissionId(), owner });
    const mission = await deps.store.write((view) => {
      let id = draft.id;
      while (view.get(id)) id = deps.newMissionId();
      const m = { ...draft, id };
      return { put: [m], result: m };
    });
    return { mission: renderMission(mission, modeOf(args, deps)) } satisfies z.input<typeof MissionResult>;
  },
});
