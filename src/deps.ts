// The real dependencies of a tool call: a store, the wall clock, random ids, an identity.
import { LOCAL_USER, type Identity } from './mission/access.js';
import type { Mode } from './mission/input.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import { newImportId, newMissionId, newRunId } from './ids.js';
import type { RunClaim } from './run/agent-caller.js';
import type { MissionStore } from './store/types.js';
import type { ToolDeps } from './tool.js';
import type { AgentProblem } from './runner/agent-check.js';

/**
 * `runClaim`: the run this process serves (MISSION_RUN_ID, for stdio servers and CLI calls an agent
 * starts); HTTP sessions pass null, their caller being their token.
 */
export function realDeps(
  store: MissionStore,
  defaultMode: Mode,
  identity: Identity = LOCAL_USER,
  limits: Limits = DEFAULT_LIMITS,
  agentProblem: AgentProblem = () => undefined,
  runClaim: RunClaim | null = null,
): ToolDeps {
  return { store, identity, defaultMode, limits, now: () => new Date(), newMissionId, newImportId, newRunId, runClaim, origin: null, agentProblem };
}
