// "An agentType with no agent configured" (SPEC §12 warnings): the program an agent type would run is
// looked up on this machine's PATH, once per process and type. The agents file is this process's
// (--agents / MISSIONS_AGENTS), else the built-in commands; a runner elsewhere may differ, so this
// is a warning, never an error.
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { AgentType } from '../mission/model.js';
import { loadAgents, type Agents } from './agents.js';

export type AgentProblem = (agentType: AgentType) => string | undefined;

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether `program` (a path, or a name to find on PATH) can be started. */
export function onPath(program: string, pathVar = process.env.PATH ?? ''): boolean {
  if (program.includes('/') || isAbsolute(program)) return executable(program);
  return pathVar.split(delimiter).some((dir) => dir !== '' && executable(join(dir, program)));
}

/** The check, reading the agents file on first use (most calls never warn about a schedule). */
export function agentChecker(agentsFile: string | undefined, env: NodeJS.ProcessEnv = process.env): AgentProblem {
  let agents: Agents | null | undefined;
  const known = new Map<AgentType, string | undefined>();
  return (agentType) => {
    if (agents === undefined) {
      try {
        agents = loadAgents(agentsFile);
      } catch {
        agents = null; // a bad agents file is the runner's to report (exit 2)
      }
    }
    if (agents === null) return undefined;
    if (!known.has(agentType)) {
      const program = agents.agent(agentType).command[0]!;
      known.set(
        agentType,
        onPath(program, env.PATH)
          ? undefined
          : `agentType ${agentType} runs "${program}", which is not installed here (not on PATH): a runner on this machine would fail its runs; install it or set agents.${agentType}.command in the agents file (--agents)`,
      );
    }
    return known.get(agentType);
  };
}
