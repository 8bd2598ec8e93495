import { z } from 'zod';
import { MissionError } from '../src/errors.js';
import { ModeInput } from '../src/mission/input.js';
import { RunOutput, renderRun, runSeenBy } from '../src/render/run.js';
import { RUN_ID } from '../src/run/model.js';
import { defineTool } from '../src/tool.js';
import { canSee } from '../src/mission/access.js';
import { modeOf } from './common.js';

const notFound = (id: string) =>
  new MissionError('not_found', `Run ${id} not found. Use listRuns to find run ids (runs of a deleted mission go with it).`, { param: 'id' });

export const getRun = defineTool({
  name: 'getRun',
  title: 'Get run',
  description:
    'Read one run by id (from listRuns) with its output: the last 16 KB of the agent\'s stdout and stderr (compact: ' +
    'its last 600 characters), exit code, error and times.',
  inputSchema: z.strictObject({
    id: z.string().regex(RUN_ID, { message: 'Expected a run id like "run_…" as returned by listRuns' }).describe('run id, run_…'),
    mode: ModeInput,
  }),
  outputSchema: z.looseObject({ run: RunOutput }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async (args, deps) => {
    const record = await deps.store.getRun(args.id);
    if (!record) throw notFound(args.id);
    // A run of a mission the caller may not see is not found, as the mission is; a store that cannot
    // be read answers store_error, as for every other tool.
    const mission = await deps.store.get(record.missionId);
    if (!mission || !canSee(mission, deps.identity)) throw notFound(args.id);
    const output = await deps.store.readRunOutput(record);
    return { run: renderRun(runSeenBy({ ...record, output }, deps.identity), modeOf(args, deps)) };
  },
});
