import { z } from 'zod';
import { MissionError } from '../src/errors.js';
import { ModeInput } from '../src/mission/input.js';
import { fitItems, truncationNote } from '../src/render/budget.js';
import { RunOutput, compactRun, renderRun, runSeenBy } from '../src/render/run.js';
import { promptToApprove } from '../src/run/approval.js';
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
    'Read one run by id (from listRuns) with its output (last 16 KB of the agent\'s stdout and stderr), exit code, ' +
    'error and times, and for a run awaiting approval the prompt to approve.',
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
    // An open request shows the prompt a person is asked to approve (SPEC §15): the board's queue reads it here.
    const prompt = record.status === 'awaiting_approval' ? promptToApprove(record, deps.launchView(mission, await deps.store.runsOf(mission.id))) : null;
    const run = runSeenBy({ ...record, output, prompt }, deps.identity);
    const mode = modeOf(args, deps);
    const budget = deps.limits.maxAnswerBytes; // a prompt may be as large as its mission
    const cut = (r: typeof run, bytes: number) => ({ ...compactRun(r, r.output, r.prompt), truncated: truncationNote(bytes, budget) });
    return { run: fitItems([run], (r) => renderRun(r, mode), cut, budget).items[0]! };
  },
});
