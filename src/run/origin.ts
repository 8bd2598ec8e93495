// Which run a caller is the agent of: the runner puts MISSION_RUN_ID and MISSION_ID in the agent's
// environment, and a missions-mcp the agent starts (stdio server or CLI) inherits them. A mission
// created then records that run as its origin (SPEC §12: no runaway loops).
import { MISSION_ID } from '../mission/model.js';
import { RUN_ID } from './model.js';

export function originFromEnv(env: NodeJS.ProcessEnv): { runId: string; missionId: string } | null {
  const runId = env.MISSION_RUN_ID;
  const missionId = env.MISSION_ID;
  if (!runId || !missionId || !RUN_ID.test(runId) || !MISSION_ID.test(missionId)) return null;
  return { runId, missionId };
}
