// `missions-mcp run` and `serve --runner`: a worker wired to the real clock, random run ids, the
// agents file and stderr. A bad agents file is bad usage (exit 2) before anything runs.
import { untilStopSignal } from '../signals.js';
import { newRunId } from '../ids.js';
import type { RunnerConfig } from '../config.js';
import { UsageError } from '../config.js';
import type { MissionStore } from '../store/types.js';
import { AgentsFileError, describeAgents, loadAgents, type Agents } from './agents.js';
import { Worker } from './worker.js';

export function agentsOrUsageError(config: RunnerConfig): Agents {
  try {
    return loadAgents(config.agentsFile);
  } catch (error) {
    if (error instanceof AgentsFileError) throw new UsageError(error.message);
    throw error;
  }
}

/** A worker on `store` as configured; the caller starts and stops it. */
export function createWorker(store: MissionStore, config: RunnerConfig, agents: Agents, log: (line: string) => void): Worker {
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
