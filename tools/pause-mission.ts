import { z } from 'zod';
import { MissionError } from '../src/errors.js';
import { MissionId, ModeInput } from '../src/mission/input.js';
import { renderMission } from '../src/render/index.js';
import { defineTool } from '../src/tool.js';
import { MissionResult, changeMission, modeOf } from './common.js';

export const pauseMission = defineTool({
  name: 'pauseMission',
  title: 'Pause mission',
  description:
    'Pause a pending or running mission: no run is due (nextRun null) and its window clock stops, so resumeMission ' +
    'later moves endsAt by the time paused. Pausing a paused mission changes nothing.',
  inputSchema: z.strictObject({ id: MissionId, mode: ModeInput }),
  outputSchema: MissionResult,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async (args, deps) => {
    const { mission } = await changeMission(deps, args.id, { status: 'paused' }).catch((error: unknown) => {
      // The shared path names `status`, a field this tool does not take: the mission it was given is `id` (SPEC §7).
      throw error instanceof MissionError && error.param === 'status' ? new MissionError(error.code, error.message, { param: 'id' }) : error;
    });
    return { mission: renderMission(mission, modeOf(args, deps)) };
  },
});
