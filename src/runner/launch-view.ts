// What the agent of a mission would get if it started now (SPEC §12, §15, §16): the exact prompt (which
// starts from the last run), its working folder and its command line. The worker starts agents with it,
// and an approval request is bound to its hash; runMission uses the server's own view to ask a person.
import type { Mission } from '../mission/model.js';
import type { AgentLaunchView } from '../run/approval.js';
import type { RunRecord } from '../run/model.js';
import { previousRun } from '../run/results.js';
import { defaultAgents, loadAgents, quoteArg, type Agents } from './agents.js';
import { promptFor } from './prompt.js';

export function launchView(agents: Agents, fallbackCwd: string): (m: Mission, runs: readonly RunRecord[]) => AgentLaunchView {
  return (m, runs) => {
    const spec = agents.agent(m.agentType);
    const cwd = agents.folderOf(m.spaceId) ?? spec.cwd ?? fallbackCwd;
    return { prompt: promptFor(m, previousRun(runs)), agentType: m.agentType, cwd, command: spec.command.map(quoteArg).join(' ') };
  };
}

/** launchView over the agents file at `agentsFile` (the built-in commands if none, or if it cannot be read), loaded on first use. */
export function lazyLaunchView(agentsFile: string | undefined, cwd: string): (m: Mission, runs: readonly RunRecord[]) => AgentLaunchView {
  let view: ReturnType<typeof launchView> | undefined;
  return (m, runs) => {
    if (!view) {
      let agents: Agents;
      try {
        agents = loadAgents(agentsFile);
      } catch {
        agents = defaultAgents(); // a bad agents file is the runner's to report (exit 2)
      }
      view = launchView(agents, cwd);
    }
    return view(m, runs);
  };
}
