import { z } from 'zod';
import { MissionError } from '../src/errors.js';
import { changeStatus } from '../src/mission/lifecycle.js';
import { MissionId, ModeInput } from '../src/mission/input.js';
import { renderMission } from '../src/render/index.js';
import { defineTool } from '../src/tool.js';
import { MissionWithWarnings, findChangeable, modeOf, warningsOf } from './common.js';

export const runMission = defineTool({
  name: 'runMission',
  title: 'Run mission now',
  description:
    'Make a mission due now, outside its schedule: the next runner (missions-mcp run) starts its agent (trigger "manual"). ' +
    'Works for pending, completed and failed missions; resumeMission a paused one first. Warns when no runner is seen on ' +
    'this store. Follow the run with listRuns { missionId } and getRun.',
  inputSchema: z.strictObject({ id: MissionId, mode: ModeInput }),
  outputSchema: MissionWithWarnings,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async (args, deps) => {
    const { mission, warnings } = await deps.store.write(async (view) => {
      const m = await findChangeable(view, args.id, deps);
      if (deps.origin?.missionId === m.id) {
        throw new MissionError('conflict', `Mission ${m.id} is the one this agent is running (run ${deps.origin.runId}); a mission cannot make itself due again from its own run.`, {
          param: 'id',
        });
      }
      if (m.status === 'running') {
        throw new MissionError('conflict', `Mission ${m.id} is already running; follow its run with listRuns { missionId: "${m.id}" }.`, { param: 'id' });
      }
      if (m.status === 'paused' || m.status === 'archived') {
        const how = m.status === 'paused' ? 'resumeMission' : 'updateMission { status: "pending" }';
        throw new MissionError('conflict', `Mission ${m.id} is ${m.status}; call ${how} first, then runMission.`, { param: 'id' });
      }
      const now = deps.now();
      if (m.queuedRun?.trigger === 'manual' && m.status === 'pending') return { result: { mission: m, ...(await warningsOf(m, view, deps)) } };
      let next = changeStatus(m, 'pending', now);
      if (next.status !== 'pending') {
        throw new MissionError('conflict', `Mission ${m.id} has used its ${m.schedule.maxRuns} runs (schedule.maxRuns); raise maxRuns with updateMission first.`, {
          param: 'id',
        });
      }
      next = { ...next, schedule: { ...next.schedule, nextRun: now.toISOString() }, queuedRun: { trigger: 'manual', attempt: 1, slot: null }, updatedAt: now.toISOString() };
      return { put: [next], result: { mission: next, ...(await warningsOf(next, view, deps)) } };
    });
    return { mission: renderMission(mission, modeOf(args, deps)), ...(warnings && { warnings }) };
  },
});
