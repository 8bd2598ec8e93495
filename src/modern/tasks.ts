// The Tasks extension (SEP-2663, io.modelcontextprotocol/tasks) for runMission: a client that declares
// the extension on its request gets a task instead of an immediate answer, and the task's result is
// the record of the run that runMission queued, once that run has ended. `tasks/get` reports it,
// `tasks/cancel` pauses the mission (SPEC §12: a running agent is stopped and its run `cancelled`).
//
// A task is not stored anywhere: its id names the mission and the moment runMission queued the run, plus
// 128 random bits, and every instance answers tasks/get from the store (the first manual run of that
// mission started at or after that moment). So any instance behind a round-robin proxy answers any
// task request, and a restart loses nothing. Each request is authorized on its own: the caller must
// see the mission (SPEC §9), exactly as getRun asks; an id alone grants nothing.
//
// The extension decides per request, not per tool argument: SEP-2663 makes the server the sole decider
// ("clients do not signal task preference on the request itself"), so runMission takes no `wait`
// argument (docs/protocol.md says why).
import { randomBytes } from 'node:crypto';
import { CLIENT_CAPABILITIES_META_KEY, ProtocolError, ProtocolErrorCode, type CallToolResult, type ServerContext } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { callTool, type Logger } from '../dispatch.js';
import { canSee } from '../mission/access.js';
import { MISSION_ID } from '../mission/model.js';
import type { RunRecord } from '../run/model.js';
import type { AnyTool, ToolDeps } from '../tool.js';

export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';
/** The tool whose calls become tasks. */
export const TASK_TOOL = 'runMission';
/** What a client is told to wait between polls: a run takes seconds to hours. */
export const POLL_INTERVAL_MS = 2_000;
/** -32021 (SEP-2575): the request needs a client capability it did not declare. */
export const MISSING_REQUIRED_CLIENT_CAPABILITY = -32021;

type TaskStatus = 'working' | 'completed' | 'cancelled' | 'failed';

/** True when the request declared the Tasks extension in its per-request capabilities. */
export function declaresTasks(ctx: ServerContext): boolean {
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  const extensions = (envelope?.[CLIENT_CAPABILITIES_META_KEY] as { extensions?: unknown } | undefined)?.extensions;
  return typeof extensions === 'object' && extensions !== null && TASKS_EXTENSION in extensions;
}

interface TaskRef {
  missionId: string;
  /** When runMission queued the run (the mission's updatedAt it answered). */
  after: string;
}

const TASK_ID = /^task_(msn_[A-Za-z0-9]+)_(\d+)_([0-9a-f]{32})$/;

export function taskIdOf(ref: TaskRef): string {
  return `task_${ref.missionId}_${Date.parse(ref.after)}_${randomBytes(16).toString('hex')}`;
}

function refOf(taskId: unknown): TaskRef {
  const match = typeof taskId === 'string' ? TASK_ID.exec(taskId) : null;
  if (!match || !MISSION_ID.test(match[1]!)) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Failed to retrieve task: no task ${JSON.stringify(taskId)}. Task ids come from runMission's task result.`);
  return { missionId: match[1]!, after: new Date(Number(match[2])).toISOString() };
}

/** The run a task follows: the first manual run of its mission started at or after runMission queued it. */
function runOf(runs: readonly RunRecord[], ref: TaskRef): RunRecord | undefined {
  const after = Date.parse(ref.after);
  return runs.find((r) => r.trigger === 'manual' && Date.parse(r.startedAt) >= after);
}

const ENDED: Partial<Record<RunRecord['status'], TaskStatus>> = {
  succeeded: 'completed',
  failed: 'completed',
  timed_out: 'completed',
  lost: 'completed',
  cancelled: 'cancelled',
  // An approval request that ended without a start (SPEC §15): the run the task waits for will not come.
  rejected: 'cancelled',
  expired: 'cancelled',
  superseded: 'cancelled',
};

export interface TaskTools {
  getRun: AnyTool;
  pauseMission: AnyTool;
}

/** The tools a task needs, from the offered list; undefined (no Tasks extension) when one is not offered (--read-only). */
export function taskToolsOf(tools: readonly AnyTool[]): TaskTools | undefined {
  const named = (name: string) => tools.find((t) => t.name === name);
  const [run, getRun, pauseMission] = [named(TASK_TOOL), named('getRun'), named('pauseMission')];
  return run && getRun && pauseMission ? { getRun, pauseMission } : undefined;
}

/** The seed task runMission answers with (resultType "task"), once the run is queued in the store. */
export function createdTask(taskId: string, at: string): Record<string, unknown> {
  return { resultType: 'task', taskId, status: 'working', statusMessage: 'The run is queued: the next runner (missions-mcp run, or serve --runner) starts it.', createdAt: at, lastUpdatedAt: at, ttlMs: null, pollIntervalMs: POLL_INTERVAL_MS };
}

/** The mission:// id and queue time runMission's answer names, for the task id. */
export function taskRefFrom(result: CallToolResult): TaskRef | undefined {
  const mission = (result.structuredContent as { mission?: { id?: unknown; updatedAt?: unknown } } | undefined)?.mission;
  if (typeof mission?.id !== 'string' || typeof mission.updatedAt !== 'string') return undefined;
  return { missionId: mission.id, after: mission.updatedAt };
}

const TaskParams = z.looseObject({ taskId: z.unknown() });

/** tasks/get, tasks/update and tasks/cancel for one request's caller. */
export function taskMethods(deps: ToolDeps, tools: TaskTools, log: Logger) {
  const requireExtension = (ctx: ServerContext, method: string) => {
    if (!declaresTasks(ctx)) {
      throw new ProtocolError(MISSING_REQUIRED_CLIENT_CAPABILITY as ProtocolErrorCode, `${method} is part of the Tasks extension: declare ${TASKS_EXTENSION} in the request's client capabilities.`, {
        requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } },
      });
    }
  };
  /** The task's mission, if the caller may see it; else the task does not exist for the caller. */
  const visible = async (ref: TaskRef, taskId: unknown) => {
    const mission = await deps.store.get(ref.missionId);
    if (!mission || !canSee(mission, deps.identity)) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Failed to retrieve task: no task ${JSON.stringify(taskId)}.`);
    return mission;
  };

  async function get(params: z.infer<typeof TaskParams>, ctx: ServerContext) {
    requireExtension(ctx, 'tasks/get');
    const ref = refOf(params.taskId);
    const mission = await visible(ref, params.taskId);
    const run = runOf(await deps.store.runsOf(ref.missionId), ref);
    const base = { resultType: 'complete', taskId: params.taskId as string, createdAt: ref.after, ttlMs: null, pollIntervalMs: POLL_INTERVAL_MS };
    if (!run) {
      // Never started: still queued, or the queue was dropped (paused, archived, rescheduled by hand).
      const queued = mission.status === 'pending' && mission.queuedRun?.trigger === 'manual';
      if (queued || mission.status === 'running') return { ...base, status: 'working', statusMessage: 'Queued: waiting for a runner to start the agent.', lastUpdatedAt: mission.updatedAt };
      return { ...base, status: 'cancelled', statusMessage: `The run never started: the mission is ${mission.status}.`, lastUpdatedAt: mission.updatedAt };
    }
    const status = run.status === 'running' || run.status === 'awaiting_approval' ? 'working' : (ENDED[run.status] ?? 'completed');
    const lastUpdatedAt = run.endedAt ?? run.startedAt;
    if (run.status === 'awaiting_approval') {
      const waitsFor = run.decision ? 'approved: waiting for a runner to start it' : `awaits a person's approval (decideRun, or the board) until ${run.approval?.expiresAt}`;
      return { ...base, status, statusMessage: `Run ${run.id} ${waitsFor}.`, lastUpdatedAt };
    }
    if (status === 'working') return { ...base, status, statusMessage: `Run ${run.id} is running (attempt ${run.attempt}).`, lastUpdatedAt };
    if (status === 'cancelled') return { ...base, status, statusMessage: run.error ?? `Run ${run.id} was cancelled.`, lastUpdatedAt };
    // The result is what getRun answers for the run: its record and output (SPEC §12).
    const result = await callTool(tools.getRun, { id: run.id }, deps, log);
    return { ...base, status, statusMessage: `Run ${run.id} ${run.status}.`, lastUpdatedAt, result };
  }

  async function cancel(params: z.infer<typeof TaskParams>, ctx: ServerContext) {
    requireExtension(ctx, 'tasks/cancel');
    const ref = refOf(params.taskId);
    await visible(ref, params.taskId);
    const run = runOf(await deps.store.runsOf(ref.missionId), ref);
    if (run && run.status !== 'running') return { resultType: 'complete' }; // over already: nothing to cancel
    // Pausing is SPEC §12's way to stop a run: the agent is stopped and the run recorded `cancelled`; a run
    // not started yet is dropped from the queue. pauseMission decides who may (SPEC §9).
    const paused = await callTool(tools.pauseMission, { id: ref.missionId }, deps, log);
    if (paused.isError) {
      const text = paused.content[0]?.type === 'text' ? paused.content[0].text : '';
      throw new ProtocolError(ProtocolErrorCode.InvalidRequest, `Cannot cancel the task: pauseMission answered ${text}`);
    }
    return { resultType: 'complete' };
  }

  async function update(params: z.infer<typeof TaskParams>, ctx: ServerContext) {
    requireExtension(ctx, 'tasks/update');
    await visible(refOf(params.taskId), params.taskId);
    return { resultType: 'complete' }; // a run's task never asks for input: every response is for no outstanding request (ignored)
  }

  return { params: TaskParams, get, cancel, update };
}
