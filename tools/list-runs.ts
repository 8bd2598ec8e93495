import { z } from 'zod';
import { MissionError } from '../src/errors.js';
import { fitItems, truncationNote } from '../src/render/budget.js';
import { RunOutput, compactRun, renderRunItem, runSeenBy } from '../src/render/run.js';
import { ListRunsInput, runCursorAfter } from '../src/run/query.js';
import { defineTool } from '../src/tool.js';
import { findVisible, modeOf } from './common.js';

export const listRuns = defineTool({
  name: 'listRuns',
  title: 'List runs',
  description:
    'Runs (each start of a mission\'s agent), newest first, with status, trigger, attempt, times and exit code. ' +
    'Filter by missionId and status; fewer per page past the size cap; if hasMore, call again with cursor = nextCursor. ' +
    'No output here: getRun has it.',
  inputSchema: ListRunsInput,
  outputSchema: z.looseObject({ runs: z.array(RunOutput), total: z.number().int(), hasMore: z.boolean(), nextCursor: z.string().nullable() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async (args, deps) => {
    if (args.missionId !== undefined) {
      // The mission is named by missionId here: say so in `param` (SPEC §7), not "id".
      await findVisible(deps.store, args.missionId, deps).catch((error: unknown) => {
        throw error instanceof MissionError && error.code === 'not_found' ? new MissionError('not_found', error.message, { param: 'missionId' }) : error;
      });
    }
    const { mode: _mode, ...query } = args; // the store's question; mode only says how to render the answer
    const page = await deps.store.listRuns(query, deps.identity);
    const mode = modeOf(args, deps);
    const budget = deps.limits.maxAnswerBytes;
    const fitted = fitItems(page.runs, (r) => renderRunItem(runSeenBy(r, deps.identity), mode), (r, bytes) => ({ ...compactRun(r), truncated: truncationNote(bytes, budget) }), budget);
    if (fitted.count === page.runs.length) return { ...page, runs: fitted.items };
    return { ...page, runs: fitted.items, hasMore: true, nextCursor: runCursorAfter(query, page.runs[fitted.count - 1]!) };
  },
});
