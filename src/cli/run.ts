// `missions-mcp run` and `serve --runner`: a worker wired to the real clock, random run ids, the
// agents file and stderr. A bad agents file is bad usage (exit 2) before anything runs.
import { UsageError, type Config, type RunnerConfig } from '../config.js';
import { newRunId } from '../ids.js';
import { lineLogger } from '../log.js';
import { AgentsFileError, describeAgents, loadAgents, type Agents } from '../runner/agents.js';
import { Worker } from '../runner/worker.js';
import { untilStopSignal } from '../signals.js';
import type { MissionStore } from '../store/types.js';
import type { Io } from './io.js';

export function agentsOrUsageError(config: RunnerConfig): Agents {
  try {
    return loadAgents(config.agentsFile);
  } catch (error) {
    if (error instanceof AgentsFileError) throw new UsageError(error.message);
    throw error;
  }
}

/** A worker on `store` as configured; the caller starts and stops it. */
function createWorker(store: MissionStore, config: RunnerConfig, agents: Agents, log: (line: string) => void): Worker {
  log(`runner on store ${store.location}; concurrency ${config.concurrency}; agents: ${describeAgents(agents)}`);
  return new Worker(
    { store, agents, now: () => new Date(), newRunId, log },
    {
      concurrency: config.concurrency,
      leaseMs: config.leaseSeconds * 1000,
      maxDepth: config.maxDepth,
      approvalTimeoutMs: config.approvalTimeoutMs,
      once: config.once,
      stopGraceMs: config.stopGraceSeconds * 1000,
      ...(config.only && { only: config.only }),
    },
  );
}

/** `serve --runner`: the same worker as `run`, inside the server, started; null when off. */
export function embeddedWorker(config: Config, store: MissionStore, io: Io): Worker | null {
  if (!config.runner.enabled) return null;
  const agents = agentsOrUsageError(config.runner);
  const worker = createWorker(store, { ...config.runner, once: false }, agents, lineLogger(io.err, 'missions-mcp run'));
  void worker.start();
  return worker;
}

/** `missions-mcp run`: until SIGTERM/SIGINT (exit 0), or with --once until what was due has run (0 if all succeeded, else 1). */
export async function runWorker(store: MissionStore, config: RunnerConfig, log: (line: string) => void): Promise<number> {
  const agents = agentsOrUsageError(config);
  const worker = createWorker(store, config, agents, log);
  const signal = untilStopSignal();
  const ended = worker.start();
  const first = await Promise.race([ended.then(() => 'done'), signal]);
  if (first !== 'done') {
    log(`${first}: stopping`);
    await worker.stop();
  }
  await store.close().catch((error: unknown) => log(`closing the store: ${(error as Error).message}`));
  if (!config.once) return 0;
  const failed = worker.results.filter((r) => r.status !== 'succeeded').length;
  log(`--once: ${worker.results.length} run(s), ${worker.results.length - failed} succeeded, ${failed} did not`);
  return failed === 0 && first === 'done' ? 0 : 1;
}
