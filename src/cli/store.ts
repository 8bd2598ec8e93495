// The store a command works on and the tools' dependencies over it, as configured; and the line that
// says what the store holds.
import type { Config } from '../config.js';
import { agentsKnowledge, realDeps } from '../deps.js';
import { runClaimFromEnv } from '../run/agent-caller.js';
import { describeStore } from '../store/describe.js';
import { openStore } from '../store/index.js';
import type { MissionStore } from '../store/types.js';
import type { ToolDeps } from '../tool.js';

export function openConfiguredStore(config: Config): MissionStore {
  return openStore(config.store, config.compactAtBytes === undefined ? {} : { compactAtBytes: config.compactAtBytes });
}

/** What a tool called from this process gets (stdio server, `call`): as the run MISSION_RUN_ID names, if any. */
export function configuredDeps(config: Config, store: MissionStore, env: NodeJS.ProcessEnv): ToolDeps {
  return realDeps(store, { defaultMode: config.outputMode, limits: config.limits, agents: agentsKnowledge(config.runner.agentsFile, config.runner.approvalTimeoutMs), runClaim: runClaimFromEnv(env) });
}

/**
 * Loads the store and logs what it holds (or why it cannot be read). Servers start this without
 * waiting: initialize and tools/list are answered while a large store loads, and each tool call waits
 * for the load (the store reads it once; every call goes through that read). Never rejects.
 */
export async function logStore(store: MissionStore, log: (message: string) => void): Promise<void> {
  try {
    log(await describeStore(store));
  } catch (error) {
    log(`${(error as Error).message} Every tool call will answer store_error until this is fixed.`);
  }
}
