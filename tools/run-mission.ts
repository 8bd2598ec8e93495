import { z } from 'zod';
import { askPerson, type Answer } from '../src/ask.js';
import { MissionError } from '../src/errors.js';
import { changeStatus } from '../src/mission/lifecycle.js';
import { MissionId, ModeInput } from '../src/mission/input.js';
import type { Mission } from '../src/mission/model.js';
import { renderMission } from '../src/render/index.js';
import { awaitingRun, decide, needsApproval, requestRecord, type AgentLaunchView } from '../src/run/approval.js';
import type { Decision, RunRecord } from '../src/run/model.js';
import { budgetSpent, budgetWarning, missionSpend } from '../src/run/results.js';
import { runsToDrop } from '../src/run/lifecycle.js';
import { defineTool, type ToolDeps } from '../src/tool.js';
import { MissionWithWarnings, findChangeable, modeOf, warningsOf } from './common.js';

/** The question a person is asked before an agent acts for a mission that needs approval (SPEC §15). */
function approvalQuestion(m: Mission, view: AgentLaunchView) {
  return {
    message:
      `Approve this run? Mission "${m.title}" (${m.id}) asks for a person's yes before its agent acts. ` +
      `The runner would start: ${view.command}, in the folder ${view.cwd}, with the mission's goal as its prompt. ` +
      'Accept approves this run; decline rejects it (the slot is skipped).',
    requestedSchema: { type: 'object' as const, properties: { note: { type: 'string', title: 'Note (optional)', description: 'Kept on the run with your decision', maxLength: 2000 } } },
  };
}

function decisionOf(answer: Answer, deps: ToolDeps, now: Date): Decision | undefined {
  if (answer.action === 'cancel') return undefined; // no answer: the request stays open for anyone else
  const note = typeof answer.content?.note === 'string' && answer.content.note.trim() !== '' ? answer.content.note.slice(0, 2000) : null;
  return { by: { user: deps.identity.user, org: deps.identity.org }, at: now.toISOString(), decision: answer.action === 'accept' ? 'approve' : 'reject', note, via: 'elicitation' };
}

/** The checks every runMission makes before it changes anything; throws what is wrong and what to do. */
function refuse(m: Mission, deps: ToolDeps, runs: readonly RunRecord[]): void {
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
  const spent = missionSpend(runs);
  if (budgetSpent(m, spent)) throw new MissionError('conflict', `Mission ${m.id}: ${budgetWarning(spent, m.plan.constraints.budgetCents!)}.`, { param: 'id' });
}

export const runMission = defineTool({
  name: 'runMission',
  title: 'Run mission now',
  description:
    'Make a mission due now (trigger "manual"): the next runner (missions-mcp run) starts its agent. For pending, ' +
    'completed and failed missions (resumeMission a paused one). If it needs approval, a request opens ' +
    '(approvalRequestId): you are asked if your client can ask, else decideRun. Then listRuns, getRun.',
  inputSchema: z.strictObject({ id: MissionId, mode: ModeInput }),
  outputSchema: MissionWithWarnings,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async (args, deps) => {
    // Ask first, before anything is written (src/ask.ts): the call is made again with the answer.
    const seen = await findChangeable(deps.store, args.id, deps);
    const seenRuns = await deps.store.runsOf(seen.id);
    refuse(seen, deps, seenRuns);
    const answer = needsApproval(seen) ? deps.ask?.answer('approve') : undefined;
    const open = awaitingRun(seenRuns);
    if (needsApproval(seen) && !answer && deps.ask?.canAsk && !open?.decision) askPerson({ approve: approvalQuestion(seen, deps.launchView(seen, seenRuns)) });

    const { mission, request, warnings } = await deps.store.write<{ mission: Mission; request: RunRecord | undefined; warnings?: string[] }>(async (view) => {
      const m = await findChangeable(view, args.id, deps);
      const runs = await view.runsOf(m.id);
      refuse(m, deps, runs);
      const now = deps.now();
      let next = m;
      const put: Mission[] = [];
      if (!(m.queuedRun?.trigger === 'manual' && m.status === 'pending')) {
        next = changeStatus(m, 'pending', now);
        if (next.status !== 'pending') {
          throw new MissionError('conflict', `Mission ${m.id} has used its ${m.schedule.maxRuns} runs (schedule.maxRuns); raise maxRuns with updateMission first.`, {
            param: 'id',
          });
        }
        next = { ...next, schedule: { ...next.schedule, nextRun: now.toISOString() }, queuedRun: { trigger: 'manual', attempt: 1, slot: null }, updatedAt: now.toISOString() };
        put.push(next);
      }
      if (!needsApproval(m)) return { put, result: { mission: next, request: undefined, ...(await warningsOf(next, view, deps)) } };
      // SPEC §15: the request opens now, bound to what the agent would get; a person decides it here or later.
      let request = awaitingRun(runs) ?? requestRecord(next, { id: deps.newRunId(), trigger: 'manual', attempt: 1, slot: null, spentCents: missionSpend(runs) }, deps.launchView(next, runs), now, deps.approvalTimeoutMs);
      const isNew = request !== awaitingRun(runs);
      const decision = answer && !request.decision ? decisionOf(answer, deps, now) : undefined;
      if (decision) {
        const done = decide(next, request, decision, now);
        request = done.run;
        if (done.mission) next = done.mission;
        put.splice(0, put.length, next);
      } else if (isNew && put.length === 0) {
        next = { ...next, updatedAt: now.toISOString() }; // subscribers of the mission hear that a request waits
        put.push(next);
      }
      return {
        put,
        runs: [request],
        removeRuns: isNew ? runsToDrop(runs) : [],
        result: { mission: next, request, ...(await warningsOf(next, view, deps)) },
      };
    });
    const approval = request ? { approvalRequired: true, approvalRequestId: request.id, approval: { status: request.status, decision: request.decision ?? null, ...request.approval } } : {};
    return { mission: renderMission(mission, modeOf(args, deps)), ...approval, ...(warnings && { warnings }) };
  },
});
