// The worker (SPEC §12): every tick it keeps its heartbeat and leases alive, marks runs whose worker
// vanished as lost, stops agents whose run was closed by someone else (pause, delete, manual change),
// and claims due missions up to its concurrency, round robin over their owners (src/run/fair.ts).
// Each claim and each outcome is one store write.
import { hostname } from 'node:os';
import type { Mission, Owner } from '../mission/model.js';
import { describeOnly, type OwnerFilter } from '../run/fair.js';
import type { RunRecord, WorkerRecord } from '../run/model.js';
import type { MissionStore } from '../store/types.js';
import { retryPolicyOf, type Agents } from './agents.js';
import { failedAtOnce, startAgent, type AgentExit, type RunningAgent } from './agent-process.js';
import { agentEnv } from './agent-env.js';
import { fillPlaceholders, writeRunConfig, type RunConfig } from './mcp-config.js';
import { logText } from '../log.js';
import { isPostgresUrl, withoutPassword } from '../store/postgres/target.js';
import { launchView } from './launch-view.js';
import { claimMission, expireLostRuns, expireRequests, finishRun, keepAlive, removeWorker, type LaunchView } from './store-ops.js';
import type { AgentLaunchView } from '../run/approval.js';

/** The store as an agent may know it: a path, or a URL without its password (SPEC §12). */
function agentStoreAddress(store: MissionStore): string {
  const address = store.address ?? store.location;
  return isPostgresUrl(address) ? withoutPassword(address) : address;
}

export interface WorkerDeps {
  store: MissionStore;
  agents: Agents;
  now: () => Date;
  newRunId: () => string;
  /** One line, no newline (the caller adds its prefix). */
  log: (line: string) => void;
  /** The worker's environment, from which agents get only what agent-env.ts lets through (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** The working folder when neither spaces nor the agent's cwd give one (default: this process's). */
  cwd?: string;
}

export interface WorkerOptions {
  id?: string;
  concurrency: number;
  leaseMs: number;
  maxDepth: number;
  tickMs?: number;
  /** On stop, running agents get the rest of their timeout, at most this long (30 s). */
  stopGraceMs?: number;
  /** Between SIGTERM and SIGKILL of an agent's group (5 s). */
  killAfterMs?: number;
  /** Run what is due now, once each, then end (missions-mcp run --once). */
  once?: boolean;
  /** How long an approval request waits for a person (--approval-timeout, 24 h). */
  approvalTimeoutMs?: number;
  /** Only this tenant's missions (run --only-user / --only-org). */
  only?: OwnerFilter;
}

/** What became of one claimed run, as this worker saw it. */
export interface RunResult {
  runId: string;
  missionId: string;
  status: RunRecord['status'];
}

interface Active {
  run: RunRecord;
  agent: RunningAgent;
  deadline: number;
  /** Why it is being stopped, once it is. */
  stopping?: string;
  /** Stopped because its run was closed by another writer: its record is not this worker's to write. */
  closedElsewhere?: boolean;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export class Worker {
  readonly id: string;
  readonly results: RunResult[] = [];
  private readonly active = new Map<string, Active>();
  private readonly tried = new Set<string>();
  private readonly startedAt: string;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private lastKeepAlive = -Infinity;
  private wake: (() => void) | undefined;
  private nothingToClaim = false;
  private readonly launchView: LaunchView;
  /** The owner whose mission this worker claimed last: the next round robin starts after it. */
  private lastOwner: Owner | null = null;

  constructor(
    private readonly deps: WorkerDeps,
    private readonly options: WorkerOptions,
  ) {
    this.id = options.id ?? `${hostname()}:${process.pid}:${deps.newRunId().slice(4, 10)}`;
    this.startedAt = deps.now().toISOString();
    this.launchView = launchView(deps.agents, deps.cwd ?? process.cwd());
  }

  get running(): number {
    return this.active.size;
  }

  /** Starts the loop; resolves when it has ended (after stop(), or in once mode when all is done). */
  start(): Promise<void> {
    this.loop ??= this.runLoop();
    return this.loop;
  }

  /** No new claims; running agents get the rest of their timeout up to the grace, then are stopped. */
  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      const grace = this.options.stopGraceMs ?? 30_000;
      if (this.active.size) this.deps.log(`stopping: no new runs; ${this.active.size} running agent(s) get up to ${seconds(grace)} to finish`);
      for (const a of this.active.values()) {
        const wait = Math.max(0, Math.min(a.deadline - Date.now(), grace));
        setTimeout(() => this.stopAgent(a, `the runner was stopped (SIGTERM or server shutdown) before the agent finished`), wait).unref();
      }
      this.wake?.();
    }
    await (this.loop ?? Promise.resolve());
  }

  private async runLoop(): Promise<void> {
    const { store } = this.deps;
    const only = describeOnly(this.options.only);
    this.deps.log(`worker ${this.id}: concurrency ${this.options.concurrency}, lease ${seconds(this.options.leaseMs)}, max depth ${this.options.maxDepth}${this.options.once ? ', once' : ''}${only ? `, ${only}` : ''}`);
    for (;;) {
      await this.tick().catch((error: unknown) => this.deps.log(`tick failed (will try again): ${(error as Error).message}`));
      if (this.active.size === 0 && (this.stopping || (this.options.once && this.nothingToClaim))) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.options.tickMs ?? 500);
        this.wake = () => (clearTimeout(t), resolve());
      });
      this.wake = undefined;
    }
    await removeWorker(store, this.id).catch((error: unknown) => this.deps.log(`could not remove the heartbeat: ${(error as Error).message}`));
    this.deps.log(`worker ${this.id} stopped`);
  }

  /** One round: heartbeat and leases, lost runs, runs closed elsewhere, new claims. */
  async tick(): Promise<void> {
    const { store, now } = this.deps;
    const t = now();
    if (t.getTime() - this.lastKeepAlive >= this.options.leaseMs / 3) {
      this.lastKeepAlive = t.getTime();
      const me: WorkerRecord = { id: this.id, host: hostname(), pid: process.pid, startedAt: this.startedAt, seenAt: t.toISOString(), leaseSeconds: Math.max(1, Math.round(this.options.leaseMs / 1000)) };
      await keepAlive(store, me, [...this.active.keys()], this.options.leaseMs);
    }
    const lost = await expireLostRuns(store, t, (type) => retryPolicyOf(this.deps.agents.agent(type)));
    for (const r of lost) this.deps.log(`run ${r.id} of ${r.missionId} lost: ${r.error}`);
    for (const r of await expireRequests(store, t)) this.deps.log(`run ${r.id} of ${r.missionId} expired: ${r.error}`);
    await this.watch();
    if (!this.stopping) await this.claimDue();
  }

  /** Stops the agents whose run another writer closed, or whose mission is gone or no longer running. */
  private async watch(): Promise<void> {
    if (this.active.size === 0) return;
    const { store } = this.deps;
    for (const a of [...this.active.values()]) {
      if (a.stopping) continue;
      const r = await store.getRun(a.run.id);
      const m = await store.get(a.run.missionId);
      const why = !m
        ? 'its mission was deleted'
        : !r || r.status !== 'running'
          ? `its run was closed elsewhere (${r?.status ?? 'removed'})`
          : r.worker !== this.id
            ? 'its run was taken over'
            : m.status !== 'running'
              ? `its mission was set to ${m.status}`
              : undefined;
      if (why) {
        a.closedElsewhere = true;
        this.stopAgent(a, `cancelled: ${why} while the agent ran`);
      }
    }
  }

  private async claimDue(): Promise<void> {
    const { store, now } = this.deps;
    let free = this.options.concurrency - this.active.size;
    if (free <= 0) return;
    const t = now();
    const wanted = free * 2 + 4;
    const due = await store.due(t, wanted + (this.options.once ? this.tried.size : 0), { after: this.lastOwner, ...(this.options.only && { only: this.options.only }) });
    const candidates: Mission[] = due.filter((m) => !(this.options.once && this.tried.has(m.id))).slice(0, wanted);
    this.nothingToClaim = candidates.length === 0;
    for (const candidate of candidates) {
      if (free <= 0 || this.stopping) break;
      this.tried.add(candidate.id);
      const c = await claimMission(store, candidate.id, now(), {
        runId: this.deps.newRunId(),
        worker: this.id,
        leaseMs: this.options.leaseMs,
        maxDepth: this.options.maxDepth,
        approvalTimeoutMs: this.options.approvalTimeoutMs,
        launchView: this.launchView,
      });
      if (c.kind === 'refused') {
        this.results.push({ runId: c.run!.id, missionId: candidate.id, status: 'failed' });
        this.deps.log(`run ${c.run!.id} of ${candidate.id} refused: ${c.reason}`);
      } else if (c.kind === 'request') {
        this.deps.log(`run ${c.run!.id} of ${candidate.id} awaits approval until ${c.run!.approval?.expiresAt} (plan.constraints.requireApproval): decideRun, or the board`);
      } else if (c.kind === 'budget') {
        this.deps.log(`${candidate.id} paused: ${c.reason}`);
      } else if (c.kind === 'run') {
        this.lastOwner = candidate.owner;
        this.launch(c.mission!, c.run!, c.view!);
        free--;
      }
    }
  }

  /** Starts the agent of a claimed run with exactly what its claim decided (the prompt and folder an approval bound). */
  private launch(m: Mission, run: RunRecord, view: AgentLaunchView): void {
    const { agents } = this.deps;
    const spec = agents.agent(m.agentType);
    const space = agents.folderOf(m.spaceId);
    const cwd = view.cwd;
    const timeoutMs = spec.timeoutSeconds * 1000;
    const workerEnv = this.deps.env ?? process.env;
    const store = agentStoreAddress(this.deps.store);
    let agent: RunningAgent;
    let config: RunConfig | undefined;
    if (m.spaceId !== null && space === null && agents.mapsSpaces) {
      agent = failedAtOnce(`spaceId "${m.spaceId}" is not one of the spaces of the agents file (${agents.file}); add it to "spaces", or set the mission's spaceId to one that is there (or to null)`);
    } else {
      config = writeRunConfig({ runId: run.id, store, pgPassFile: isPostgresUrl(store) ? workerEnv.PGPASSFILE : undefined });
      const env = agentEnv({ workerEnv, env: spec.env, passEnv: spec.passEnv, run: { missionId: m.id, runId: run.id, attempt: run.attempt }, store, mcpConfig: config.path });
      const argv = fillPlaceholders(spec.command, config.path);
      agent = startAgent({ argv, agentType: m.agentType, cwd, env, prompt: view.prompt, timeoutMs, killAfterMs: this.options.killAfterMs ?? 5000 });
    }
    const a: Active = { run, agent, deadline: Date.now() + timeoutMs };
    this.active.set(run.id, a);
    const unmapped = m.spaceId !== null && space === null && !agents.mapsSpaces ? ` (spaceId ${logText(m.spaceId)} is not mapped: the agents file has no "spaces")` : '';
    this.deps.log(`run ${run.id} started: ${m.id} ${logText(JSON.stringify(m.title.slice(0, 60)))} (${m.agentType}, ${run.trigger}, attempt ${run.attempt}, pid ${agent.pid}, in ${logText(cwd)}${unmapped})`);
    void agent.done
      .then((exit) => this.record(a, exit))
      .finally(() => {
        config?.remove();
        this.active.delete(run.id);
        this.wake?.();
      });
  }

  private stopAgent(a: Active, reason: string): void {
    if (a.stopping) return;
    a.stopping = reason;
    a.agent.cancel(reason);
  }

  /** Writes the outcome (a few tries; if the store stays unwritable the lease runs out and the run is lost). */
  private async record(a: Active, exit: AgentExit): Promise<void> {
    const { store, now, agents } = this.deps;
    const outcome = { status: exit.status, exitCode: exit.exitCode, signal: exit.signal, error: exit.error, outputBytes: Buffer.byteLength(exit.output) };
    const policy = retryPolicyOf(agents.agent(a.run.agentType));
    for (let attempt = 1; ; attempt++) {
      try {
        const w = await finishRun(store, a.run.id, this.id, outcome, exit.output, now(), policy);
        const status = w.run?.status ?? (a.closedElsewhere ? 'cancelled' : exit.status);
        this.results.push({ runId: a.run.id, missionId: a.run.missionId, status });
        const took = seconds(Date.now() - (a.deadline - agents.agent(a.run.agentType).timeoutSeconds * 1000));
        const detail = exit.error ? `: ${exit.error}` : exit.exitCode !== null ? ` (exit ${exit.exitCode})` : '';
        const next = w.run?.retryAt ? `; retry at ${w.run.retryAt}` : w.mission ? `; mission ${w.mission.status}${w.mission.schedule.nextRun ? `, next run ${w.mission.schedule.nextRun}` : ''}` : '';
        this.deps.log(`run ${a.run.id} of ${a.run.missionId} ${status} after ${took}${detail}${next}${w.written ? '' : ` (already closed in the store${w.released ? '; lease dropped' : ''})`}`);
        return;
      } catch (error) {
        if (attempt >= 3) {
          this.results.push({ runId: a.run.id, missionId: a.run.missionId, status: 'lost' });
          this.deps.log(`run ${a.run.id} of ${a.run.missionId}: could not record its outcome (${(error as Error).message}); its lease will run out and it will count as lost`);
          return;
        }
        await new Promise((r) => setTimeout(r, 1000 * attempt));
      }
    }
  }
}
