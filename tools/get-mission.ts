import { z } from 'zod';
import { MissionId, ModeInput } from '../src/mission/input.js';
import { renderMission } from '../src/render/index.js';
import { defineTool } from '../src/tool.js';
import { MissionResult, findVisible, modeOf } from './common.js';

export const getMission = defineTool({
  name: 'getMission',
  title: 'Get mission',
  description:
    'Read one mission by id (from listMissions or createMission): schedule with nextRun and runCount, brief, plan, ' +
    'stats, imports. compact cuts the goal short and names brief/plan parts; use full to read them.',
  inputSchema: z.strictObject({ id: MissionId, mode: ModeInput }),
  outputSchema: MissionResult,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async (args, deps) => {
    const mission = findVisible(await deps.store.read(), args.id, deps);
    return { mission: renderMission(mission, modeOf(args, deps)) };
  },
});
