import { z } from 'zod';
import { MissionId, ModeInput } from '../src/mission/input.js';
import { renderWithin } from '../src/render/index.js';
import { BOARD_TOOL_META } from '../src/board/mcp-app.js';
import { defineTool } from '../src/tool.js';
import { MissionResult, findVisible, modeOf } from './common.js';

export const getMission = defineTool({
  name: 'getMission',
  title: 'Get mission',
  description:
    'Read one mission by id (from listMissions or createMission) with its schedule, nextRun, brief, plan, stats and ' +
    'imports. compact cuts the goal and names the brief/plan parts; full has everything.',
  inputSchema: z.strictObject({ id: MissionId, mode: ModeInput }),
  outputSchema: MissionResult,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  _meta: BOARD_TOOL_META, // MCP Apps: hosts that render apps show the mission board with the result
  handler: async (args, deps) => {
    const mission = await findVisible(deps.store, args.id, deps);
    return { mission: renderWithin(mission, modeOf(args, deps), deps.limits.maxAnswerBytes) };
  },
});
