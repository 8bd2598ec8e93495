// The real dependencies of a tool call: a store, the wall clock, random ids, an identity, and what this
// process knows of the agents (its agents file, for warnings and for what an approval shows).
import { LOCAL_USER, type Identity } from './mission/access.js';
import type { Mode } from './mission/input.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import { newImportId, newMissionId, newRunId } from './ids.js';
import type { RunClaim } from './run/agent-caller.js';
import type { MissionStore } from './store/types.js';
import type { ToolDeps } from './tool.js';
import { agentChecker } from './runner/agent-check.js';
import { lazyLaunchView } from './runner/launch-view.js';
import { DEFAULT_APPROVAL_TIMEOUT_MS } from './run/approval.js';

export interface DepsOptions {
  defaultMode: Mode;
  /** Who calls (the local user by default: stdio and the CLI). */
  identity?: Identity;
  limits?: Limits;
  /** What this process knows of its agents (agentsKnowledge), shared by its sessions. */
  agents?: AgentsKnowledge;
  /**
   * The run this process serves (MISSION_RUN_ID, for stdio servers and CLI calls an agent starts);
   * HTTP sessions pass none, their caller being their token.
   */
  runClaim?: RunClaim | null;
}

export type AgentsKnowledge = Pick<ToolDeps, 'agentProblem' | 'launchView' | 'approvalTimeoutMs'>;

/**
 * From this process's agents file (--agents), if any, else the built-in agent commands (read on first
 * use), and its --approval-timeout.
 */
export function agentsKnowledge(agentsFile: string | undefined, approvalTimeoutMs = DEFAULT_APPROVAL_TIMEOUT_MS): AgentsKnowledge {
  return { agentProblem: agentChecker(agentsFile), launchView: lazyLaunchView(agentsFile, process.cwd()), approvalTimeoutMs };
}

export function realDeps(store: MissionStore, options: DepsOptions): ToolDeps {
  const agents = options.agents ?? agentsKnowledge(undefined);
  return {
    store,
    identity: options.identity ?? LOCAL_USER,
    defaultMode: options.defaultMode,
    limits: options.limits ?? DEFAULT_LIMITS,
    now: () => new Date(),
    newMissionId,
    newImportId,
    newRunId,
    runClaim: options.runClaim ?? null,
    origin: null,
    ...agents,
  };
}
