import { z } from 'zod';
import { UpdateMissionInput } from '../src/mission/input.js';
import { MissionOutput, renderMission } from '../src/render/index.js';
import { defineTool } from '../src/tool.js';
import { changeMission, modeOf } from './common.js';

export const updateMission = defineTool({
  name: 'updateMission',
  title: 'Update mission',
  description:
    'Change a mission. Send only what changes: nested objects (schedule, brief, plan, constraints, stats) merge ' +
    'field by field, lists are replaced, null clears a field, addImports appends to the import log. ' +
    'Status: "running" records a run start, "pending" ends it, also "paused", "completed", "failed", "archived"; ' +
    'a change the lifecycle forbids is a conflict that lists the allowed ones. Returns the mission and "updated", ' +
    'the fields that changed. Get the id from listMissions or createMission.',
  inputSchema: UpdateMissionInput,
  outputSchema: z.object({
    mission: MissionOutput,
    updated: z.array(z.string()).describe('top-level fields that changed; [] if none'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  handler: async (args, deps) => {
    const { id, mode: _mode, ...patch } = args;
    const { mission, updated } = await changeMission(deps, id, patch);
    return { mission: renderMission(mission, modeOf(args, deps)), updated };
  },
});
