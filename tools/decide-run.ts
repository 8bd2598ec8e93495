import { z } from 'zod';
import { MissionError } from '../src/errors.js';
import { ModeInput } from '../src/mission/input.js';
import { RunOutput, renderRun, runSeenBy } from '../src/render/run.js';
import { decide, promptToApprove, requestExpired } from '../src/run/approval.js';
import { RUN_ID, type Decision } from '../src/run/model.js';
import { defineTool } from '../src/tool.js';
import { findChangeable, modeOf } from './common.js';

const runNotFound = (id: string) =>
  new MissionError('not_found', `Run ${id} not found. listRuns { status: "awaiting_approval" } lists the requests you may decide.`, { param: 'id' });

export const decideRun = defineTool({
  name: 'decideRun',
  title: 'Approve or reject a run',
  description:
    'Approve or reject a run awaiting approval (plan.constraints.requireApproval; listRuns { status: "awaiting_approval" } ' +
    'lists them). Approve: the next runner starts it. Reject: the slot is skipped (a once mission pauses).',
  inputSchema: z.strictObject({
    id: z.string().regex(RUN_ID, { message: 'Expected a run id like "run_…" as returned by listRuns' }).describe('run id, run_…'),
    decision: z.enum(['approve', 'reject']).describe('approve or reject'),
    note: z.string().max(2000).optional().describe('why'),
    mode: ModeInput,
  }),
  outputSchema: z.looseObject({ run: RunOutput }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: async (args, deps) => {
    const run = await deps.store.write(async (view) => {
      const seen = await view.getRun(args.id);
      if (!seen) throw runNotFound(args.id);
      // A run of a mission the caller may not see does not exist for them; seen but not theirs to change: forbidden.
      const mission = await findChangeable(view, seen.missionId, deps).catch((error: unknown) => {
        throw error instanceof MissionError && error.code === 'not_found' ? runNotFound(args.id) : error;
      });
      const r = (await view.getRun(args.id))!; // again, now that its mission is locked
      if (r.status !== 'awaiting_approval' || r.decision) {
        const already = r.decision ? `was already ${r.decision.decision === 'approve' ? 'approved' : 'rejected'} by ${r.decision.by.user} at ${r.decision.at}` : `is ${r.status}, not awaiting approval`;
        throw new MissionError('conflict', `Run ${r.id} ${already}; nothing changed.`, { param: 'id' });
      }
      const now = deps.now();
      if (requestExpired(r, now)) {
        throw new MissionError('conflict', `Run ${r.id} expired at ${r.approval!.expiresAt} (--approval-timeout): nobody may decide it now; the next runner closes it as expired. runMission asks again.`, { param: 'id' });
      }
      if (args.decision === 'approve' && promptToApprove(r, deps.launchView(mission, await view.runsOf(mission.id))) === null) {
        throw new MissionError('conflict', `Run ${r.id} asked about another prompt: mission ${mission.id} changed since, so its agent would get something else. The next runner opens a new request for the new prompt; approve that one. Nothing changed.`, { param: 'id' });
      }
      const decision: Decision = {
        by: { user: deps.identity.user, org: deps.identity.org },
        at: now.toISOString(),
        decision: args.decision,
        note: args.note ?? null,
        via: deps.via ?? 'tool',
      };
      const done = decide(mission, r, decision, now);
      return { put: done.mission ? [done.mission] : [], runs: [done.run], result: done.run };
    });
    const output = await deps.store.readRunOutput(run);
    return { run: renderRun(runSeenBy({ ...run, output }, deps.identity), modeOf(args, deps)) };
  },
});
