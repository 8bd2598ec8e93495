// What a tool is: one plain value with its name, description for a model, zod schemas, annotations
// and a handler that gets its dependencies passed in; and the dependencies of one call.
import type { z } from 'zod';
import type { Asking } from './ask.js';
import type { Identity } from './mission/access.js';
import { bindRun, type RunClaim } from './run/agent-caller.js';
import type { AgentType, Mission } from './mission/model.js';
import type { AgentLaunchView } from './run/approval.js';
import type { RunRecord } from './run/model.js';
import type { Limits } from './limits.js';
import type { Mode } from './mission/input.js';
import type { MissionStore } from './store/types.js';

export interface ToolDeps {
  store: MissionStore;
  identity: Identity;
  now: () => Date;
  newMissionId: () => string;
  newImportId: () => string;
  newRunId: () => string;
  /** Why the agent of an agent type could not start on this machine, if it could not (a warning). */
  agentProblem: (agentType: AgentType) => string | undefined;
  /**
   * The run this process was started for (MISSION_RUN_ID), if any: each call is then made as that run's
   * mission owner, and refused once the run has ended (src/run/agent-caller.ts resolves it per call).
   */
  runClaim: RunClaim | null;
  /** The run this call is made from (resolved from runClaim, or named by the request), if any: what a created mission records as its origin. */
  origin: { runId: string; missionId: string } | null;
  /** The server-wide output mode, used when a call gives none. */
  defaultMode: Mode;
  /** Mission size, missions per owner, answer size. */
  limits: Limits;
  /** What the agent of a mission would get if it started now, as this process sees it (its agents file): what runMission asks a person to approve. */
  launchView: (m: Mission, runs: readonly RunRecord[]) => AgentLaunchView;
  /** How long an approval request that runMission opens waits for a person (--approval-timeout). */
  approvalTimeoutMs: number;
  /** The person at the client, when a server can ask them (src/ask.ts); absent in the CLI. */
  ask?: Asking;
  /** How the call reached the server, when the client says so (the board: `_meta["missions-mcp/via"]: "board"`). */
  via?: 'board';
}

/** The dependencies of one call: bound to the claimed run (the process's, else the request's), if any. */
export async function depsForCall(deps: ToolDeps, requestClaim: RunClaim | null = null): Promise<ToolDeps> {
  const claim = deps.runClaim ?? requestClaim;
  if (!claim) return deps;
  const bound = await bindRun(deps.store, claim, deps.identity);
  return { ...deps, identity: bound.identity, origin: bound.origin, runClaim: null };
}

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export interface ToolDefinition<In extends z.ZodType = z.ZodType, Out extends z.ZodType = z.ZodType> {
  name: string;
  title: string;
  /** For a model: what it does, when to use it, what to call before or after, its limits. */
  description: string;
  inputSchema: In;
  outputSchema: Out;
  annotations: ToolAnnotations;
  /** Extension metadata advertised in tools/list, e.g. the MCP App that shows the results. */
  _meta?: Record<string, unknown>;
  handler: (args: z.output<In>, deps: ToolDeps) => Promise<z.input<Out>>;
}

export function defineTool<In extends z.ZodType, Out extends z.ZodType>(tool: ToolDefinition<In, Out>): ToolDefinition<In, Out> {
  return tool;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTool = ToolDefinition<any, any>;
