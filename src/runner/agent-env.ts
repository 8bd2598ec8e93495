// The environment an agent starts with (SPEC §12, §16). An agent follows a goal that any user who may
// create a mission wrote, and its output is shown to that user: so it gets what a program needs to run,
// what the agents file names, and its own run, never the worker's environment as a whole. The worker's
// secrets (MISSIONS_TOKEN, MISSIONS_AUTH_FILE, a store URL's password, and everything else the agents
// file does not name) stay with the worker.

/** What any program needs to run as this OS user: its PATH, home, language and terminal, temp folder. */
export const BASE_ENV: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TERM',
  'TZ',
  'TMPDIR',
  // Windows: what a process there cannot start without.
  'SYSTEMROOT',
  'SYSTEMDRIVE',
  'COMSPEC',
  'PATHEXT',
  'WINDIR',
  'TEMP',
  'TMP',
  'USERPROFILE',
  'APPDATA',
  'LOCALAPPDATA',
];

/** Variables an agents file may never hand to an agent: they would make it act as someone else. */
export const NEVER_PASSED: readonly string[] = ['MISSIONS_TOKEN', 'MISSIONS_AUTH_FILE'];

/** What the runner itself sets for each run; the agents file cannot set these either. */
export const RUN_VARIABLES: readonly string[] = ['MISSION_ID', 'MISSION_RUN_ID', 'MISSION_ATTEMPT', 'MISSIONS_STORE', 'MISSIONS_MCP_CONFIG'];

export interface AgentEnvInput {
  /** The worker's own environment (the source of BASE_ENV, LC_* and passEnv values). */
  workerEnv: NodeJS.ProcessEnv;
  /** From the agents file: values to set, and names to take from the worker's environment. */
  env: Readonly<Record<string, string>>;
  passEnv: readonly string[];
  run: { missionId: string; runId: string; attempt: number };
  /** The store as the agent may know it: a path, or a URL without its password. */
  store: string;
  /** The MCP client configuration written for this run (SPEC §16). */
  mcpConfig: string;
}

export function agentEnv(input: AgentEnvInput): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  const take = (name: string) => {
    const value = input.workerEnv[name];
    if (value !== undefined) out[name] = value;
  };
  for (const name of BASE_ENV) take(name);
  for (const name of Object.keys(input.workerEnv)) if (name === 'LC_ALL' || name.startsWith('LC_')) take(name);
  for (const name of input.passEnv) take(name);
  Object.assign(out, input.env);
  out.MISSION_ID = input.run.missionId;
  out.MISSION_RUN_ID = input.run.runId;
  out.MISSION_ATTEMPT = String(input.run.attempt);
  out.MISSIONS_STORE = input.store;
  out.MISSIONS_MCP_CONFIG = input.mcpConfig;
  return out;
}
