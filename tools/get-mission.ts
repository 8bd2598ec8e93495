import { z } from 'zod';
import { MissionId, ModeInput } from '../src/mission/input.js';
import { renderWithin } from '../src/render/index.js';
import { BOARD_TOOL_META } from '../src/board/mcp-app.js';
import { defineTool } from '../src/tool.js';
import { compactProgress } from '../src/render/progress.js';
import { progressOf } from '../src/run/results.js';
import { MissionResult, findVisible, modeOf } from './common.js';

export const getMission = defineTool({
  name: 'getMission',
  title: 'Get mission',
  description:
    'Read one mission by id (from listMissions or createMission) with its schedule, nextRun, brief, plan, stats and ' +
    'imports. compact cuts the goal and names the brief/plan parts; full has everything. expand ["progress"] adds its ' +
    'runs\' reports: percent, summary, KPI trends, spend against budget.',
  inputSchema: z.strictObject({
    id: MissionId,
    expand: z.array(z.enum(['progress'])).max(1).optional().describe('["progress"]'),
    mode: ModeInput,
  }),
  outputSchema: MissionResult, // loose: with expand it also holds `progress`
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  _meta: BOARD_TOOL_META, // MCP Apps: hosts that render apps show the mission board with the result
  handler: async (args, deps) => {
    const mission = await findVisible(deps.store, args.id, deps);
    const mode = modeOf(args, deps);
    const rendered = { mission: renderWithin(mission, mode, deps.limits.maxAnswerBytes) };
    if (!args.expand?.includes('progress')) return rendered;
    const progress = progressOf(mission, await deps.store.runsOf(mission.id));
    return { ...rendered, progress: mode === 'full' ? progress : compactProgress(progress) };
  },
});
