import { z } from 'zod';
import { MissionId, ModeInput } from '../src/mission/input.js';
import { renderMission } from '../src/render/index.js';
import { defineTool } from '../src/tool.js';
import { MissionResult, findVisible, modeOf } from './common.js';

export const getMission = defineTool({
  name: 'getMission',
  title: 'Get mission',
  description:
    'Read one mission by id, with its schedule (nextRun, runCount), brief, plan, stats and imports. ' +
    'Use mode "full" when you need the whole goal, brief or plan; find ids with listMissions.',
  inputSchema: z.strictObject({ id: MissionId, mode: ModeInput }),
  outputSchema: MissionResult,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async (args, deps) => {
    const mission = findVisible(await deps.store.read(), args.id, deps);
    return { mission: renderMission(mission, modeOf(args, deps)) };
  },
});
