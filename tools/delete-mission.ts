import { z } from 'zod';
import { MissionError } from '../src/errors.js';
import { MissionId } from '../src/mission/input.js';
import { defineTool } from '../src/tool.js';
import { findChangeable } from './common.js';

export const deleteMission = defineTool({
  name: 'deleteMission',
  title: 'Delete mission',
  description:
    'Delete a mission for good; its id is never reused. A running mission needs force: true. ' +
    'To keep its history, set status "archived" with updateMission instead.',
  inputSchema: z.strictObject({
    id: MissionId,
    force: z.boolean().optional().describe('true to delete a running mission'),
  }),
  outputSchema: z.looseObject({ id: z.string(), deleted: z.literal(true) }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  handler: async (args, deps) =>
    deps.store.write(async (view) => {
      const m = await findChangeable(view, args.id, deps);
      if (m.status === 'running' && args.force !== true) {
        throw new MissionError('conflict', `Mission ${m.id} is running. Pass force: true to delete it anyway, or wait until its run ends.`, {
          param: 'force',
        });
      }
      // Its run history goes with it; a worker running it sees the mission gone and stops the agent.
      return { remove: [m.id], removeRuns: (await view.runsOf(m.id)).map((r) => r.id), result: { id: m.id, deleted: true as const } };
    }),
});
