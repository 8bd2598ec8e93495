import { z } from 'zod';
import { MissionError } from '../src/errors.js';
import { canChange, canSee } from '../src/mission/access.js';
import { LIMITS } from '../src/mission/fields.js';
import { RUN_ID, SUMMARY_MAX } from '../src/run/model.js';
import { applyReport, missionSpend } from '../src/run/results.js';
import { defineTool } from '../src/tool.js';
import { RunOutput } from '../src/render/run.js';

const runNotFound = (id: string) => new MissionError('not_found', `Run ${id} not found. An agent reports on its own run: MISSION_RUN_ID.`, { param: 'runId' });

export const reportProgress = defineTool({
  name: 'reportProgress',
  title: 'Report run progress',
  description:
    'For an agent during its run (MISSION_RUN_ID): report what it did. Sets the run\'s summary, percent, stage and ' +
    'plan KPIs\' current values; adds costCents to the spend. The next run starts from the summary.',
  inputSchema: z.strictObject({
    runId: z.string().regex(RUN_ID, { message: 'Expected a run id like "run_…" (MISSION_RUN_ID)' }).describe('the run, MISSION_RUN_ID'),
    summary: z.string().min(1).max(SUMMARY_MAX).optional().describe('what it did'),
    kpis: z
      .record(z.string().min(1).max(LIMITS.name), z.number().finite())
      .refine((k) => Object.keys(k).length <= LIMITS.listItems, `at most ${LIMITS.listItems} KPIs`)
      .optional()
      .describe('{ metric: value }'),
    progressPercent: z.number().min(0).max(100).optional().describe('0–100'),
    stage: z.string().min(1).max(200).optional().describe('stage'),
    costCents: z.number().int().min(0).max(100_000_000).optional().describe('spend since last report'),
  }),
  outputSchema: z.looseObject({ run: RunOutput }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: async (args, deps) => {
    const { runId, ...input } = args;
    return deps.store.write(async (view) => {
      const seen = await view.getRun(runId);
      const mission = seen ? await view.get(seen.missionId) : undefined;
      // The run's own agent may report; so may whoever may change the mission. Anyone else: it does not exist.
      const ownAgent = deps.origin?.runId === runId;
      if (!seen || !mission || !(ownAgent || canSee(mission, deps.identity))) throw runNotFound(runId);
      if (!ownAgent && !canChange(mission, deps.identity)) {
        throw new MissionError('forbidden', `Run ${runId} is of mission ${mission.id}, which you may see but not change; only its agent or those who may change the mission report on it.`, { param: 'runId' });
      }
      const runs = await view.runsOf(mission.id);
      const r = runs.find((x) => x.id === runId)!;
      if (r.status !== 'running') {
        throw new MissionError('conflict', `Run ${runId} is ${r.status}, not running: a report belongs to a run in progress. Nothing was recorded.`, { param: 'runId' });
      }
      const done = applyReport(mission, r, input, missionSpend(runs), deps.now());
      const run = { id: done.run.id, missionId: done.run.missionId, status: done.run.status, report: done.run.report, costCents: done.run.costCents ?? 0 };
      return { put: [done.mission], runs: [done.run], result: { run, spentCents: done.run.spentCents ?? 0, budgetCents: mission.plan.constraints.budgetCents } };
    });
  },
});
