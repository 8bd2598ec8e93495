// Who an agent is when it calls back (SPEC §12, §16). The runner starts each agent with MISSION_RUN_ID,
// and the MCP configuration it writes starts this missions-mcp with it. Such a server (or CLI call)
// acts as the **owner of that run's mission, and only while the run runs**: never as the local user,
// so a token user's agent sees what that user sees. Over HTTP the caller is its token's user, and an
// agent that names its run (the Mcp-Mission-Run header, or `_meta["missions-mcp/runId"]`) gets that run
// recorded as the origin of what it creates, so the runaway guard holds on every transport.
//
// What this cannot do: an agent runs as the worker's OS user and can read what that user can (the
// store file, say). The boundary between tenants is the OS user; see docs/runner.md.
import { MissionError } from '../errors.js';
import { LOCAL_USER, LOCAL_USER_NAME, canSee, tokenPrincipal, type Identity } from '../mission/access.js';
import type { Mission, Owner } from '../mission/model.js';
import { RUN_ID, type RunRecord } from './model.js';

/** The environment variable that binds a server or CLI to a run. */
export const RUN_ENV = 'MISSION_RUN_ID';
/** The HTTP header, and the request `_meta` key, by which an agent names its run. */
export const RUN_HEADER = 'mcp-mission-run';
export const RUN_META_KEY = 'missions-mcp/runId';

/** A run an agent says it belongs to: from its environment (it then acts as the owner) or from a request (origin only). */
export interface RunClaim {
  runId: string;
  via: 'env' | 'request';
}

/** What binding a run reads: the run and its mission (every store answers these). */
export interface RunLookup {
  get(id: string): Promise<Mission | undefined>;
  getRun(id: string): Promise<RunRecord | undefined>;
}

export interface RunBinding {
  identity: Identity;
  origin: { runId: string; missionId: string };
}

/** The run this process was started for, if any (MISSION_RUN_ID set and not empty). */
export function runClaimFromEnv(env: NodeJS.ProcessEnv): RunClaim | null {
  const runId = env[RUN_ENV];
  return runId ? { runId, via: 'env' } : null;
}

/** The identity that owns a mission: the local user for the local user's missions, else that token principal. */
export function ownerIdentity(owner: Owner): Identity {
  return owner.user === LOCAL_USER_NAME && owner.org === null ? LOCAL_USER : tokenPrincipal(owner.user, owner.org);
}

const refused = (code: 'not_found' | 'conflict', claim: RunClaim, why: string) => {
  const from = claim.via === 'env' ? RUN_ENV : 'the Mcp-Mission-Run header (or _meta)';
  return new MissionError(code, `This call names run ${claim.runId} (${from}), which ${why}. An agent acts through missions-mcp only while its run runs; start a new run with runMission from outside it.`);
};

/**
 * Who the caller is for a claimed run: its mission's owner (env), or the caller itself when that caller
 * may see the run's mission (request). Throws `not_found` when there is no such run (or, by request, not
 * one of a mission the caller may see) and `conflict` once it has ended. Asked on every call: the
 * binding ends with the run.
 */
export async function bindRun(store: RunLookup, claim: RunClaim, caller: Identity): Promise<RunBinding> {
  if (!RUN_ID.test(claim.runId)) throw refused('not_found', claim, 'is not a run id (run_…)');
  const run = await store.getRun(claim.runId);
  const mission: Mission | undefined = run ? await store.get(run.missionId) : undefined;
  if (!run || !mission || (claim.via === 'request' && !canSee(mission, caller))) throw refused('not_found', claim, 'does not exist');
  if (run.status !== 'running') throw refused('conflict', claim, `has ended (${run.status})`);
  const identity = claim.via === 'env' ? ownerIdentity(mission.owner) : caller;
  return { identity, origin: { runId: run.id, missionId: mission.id } };
}
