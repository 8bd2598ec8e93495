import { z } from 'zod';
import { MissionId, ModeInput } from '../src/mission/input.js';
import { renderMission } from '../src/render/index.js';
import { defineTool } from '../src/tool.js';
import { MissionWithWarnings, changeMission, modeOf } from './common.js';

export const resumeMission = defineTool({
  name: 'resumeMission',
  title: 'Resume mission',
  description:
    'Resume a paused mission (status pending): endsAt moves later by the time paused and nextRun is recomputed. ' +
    'Same as updateMission status "pending", so it also restarts a completed, failed or archived mission.',
  inputSchema: z.strictObject({ id: MissionId, mode: ModeInput }),
  outputSchema: MissionWithWarnings,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async (args, deps) => {
    const { mission, warnings } = await changeMission(deps, args.id, { status: 'pending' });
    return { mission: renderMission(mission, modeOf(args, deps)), ...(warnings && { warnings }) };
  },
});
