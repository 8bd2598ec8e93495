import { z } from 'zod';
import { UpdateMissionInput } from '../src/mission/input.js';
import { MissionOutput, renderMission } from '../src/render/index.js';
import { defineTool } from '../src/tool.js';
import { changeMission, modeOf } from './common.js';

export const updateMission = defineTool({
  name: 'updateMission',
  title: 'Update mission',
  description:
    'Change a mission: send its id and only what changes, with the fields and limits of createMission. Nested objects ' +
    'merge field by field, lists are replaced, null clears a field, addImports appends to the import log. ' +
    'status "running" opens a manual run and "pending" closes it; a change the lifecycle forbids is a conflict that ' +
    'lists the allowed ones. Returns the mission and updated, the fields that changed.',
  inputSchema: UpdateMissionInput,
  outputSchema: z.looseObject({
    mission: MissionOutput,
    updated: z.array(z.string()),
    warnings: z.array(z.string()).optional(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  handler: async (args, deps) => {
    const { id, mode: _mode, ...patch } = args;
    const { mission, updated, warnings } = await changeMission(deps, id, patch);
    return { mission: renderMission(mission, modeOf(args, deps)), updated, ...(warnings && { warnings }) };
  },
});
