// Starting one agent (SPEC §12): argv from the agents file and no shell, the prompt on stdin, its own
// process group (led by agent-supervisor, which ends the group if this process dies), stdout and
// stderr kept to their last 16 KB while they stream, and a timeout or stop that ends the whole group:
// SIGTERM, then SIGKILL after 5 s.
//
// The run settles when the agent exits (its supervisor reports and ends), not when its output closes:
// a process the agent started in a new session may hold the output open for hours. Then what the run
// left outside its group is ended (leftovers.ts), and output still in flight is read for at most
// DRAIN_MS before the streams are let go.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OUTPUT_CAP_BYTES } from '../run/model.js';
import { findLeftovers, signalAll, streamOf, type RunTraces } from './leftovers.js';
import { OutputTail } from './output-tail.js';

/** After the agent's exit, how long output still in flight may take to arrive (then the streams are dropped). */
export const DRAIN_MS = 500;
/** After the supervisor's exit, the longest wait for its report on the lifeline (it closes at once in practice). */
const REPORT_WAIT_MS = 1000;

const here = dirname(fileURLToPath(import.meta.url));
/** The compiled supervisor; from TypeScript sources (tests), the build's copy of it. */
export const SUPERVISOR = import.meta.url.endsWith('.ts')
  ? join(here, '..', '..', 'dist', 'src', 'runner', 'agent-supervisor.js')
  : join(here, 'agent-supervisor.js');

export interface AgentLaunch {
  argv: readonly string[];
  /** Which agents-file entry the argv came from, for messages. */
  agentType: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  prompt: string;
  timeoutMs: number;
  /** Between SIGTERM and SIGKILL (5 s). */
  killAfterMs?: number;
}

export interface AgentExit {
  /** How it ended, as the worker records it (cancelled is the worker's call, not the agent's). */
  status: 'succeeded' | 'failed' | 'timed_out' | 'cancelled';
  exitCode: number | null;
  signal: string | null;
  error: string | null;
  output: string;
}

export interface RunningAgent {
  /** The process group (its leader's pid). */
  readonly pid: number;
  readonly done: Promise<AgentExit>;
  /** Ends the whole group (SIGTERM, SIGKILL later); the run is recorded as cancelled. */
  cancel(reason: string): void;
}

interface Report {
  exitCode?: number | null;
  signal?: string | null;
  error?: string;
  message?: string;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone
  }
}

/** A failed start that needs no process (a missing working folder). */
export function failedAtOnce(error: string): RunningAgent {
  return { pid: 0, done: Promise.resolve({ status: 'failed', exitCode: null, signal: null, error, output: '' }), cancel: () => undefined };
}

export function startAgent(launch: AgentLaunch): RunningAgent {
  if (!existsSync(launch.cwd) || !statSync(launch.cwd).isDirectory()) {
    return failedAtOnce(`working folder ${launch.cwd} does not exist; fix "spaces" or agents.${launch.agentType}.cwd in the agents file`);
  }
  const child = spawn(process.execPath, [SUPERVISOR, ...launch.argv], {
    shell: false,
    detached: true,
    cwd: launch.cwd,
    env: launch.env,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  const pid = child.pid ?? 0;
  const tail = new OutputTail(OUTPUT_CAP_BYTES);
  child.stdout!.on('data', (chunk: Buffer) => tail.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => tail.push(chunk));
  child.stdin!.on('error', () => undefined); // an agent that never reads its prompt
  child.stdin!.end(launch.prompt);
  let reportText = '';
  const lifeline = child.stdio[3] as NodeJS.ReadableStream & { on: (e: string, f: (...a: unknown[]) => void) => void };
  lifeline.on('data', (chunk) => (reportText += String(chunk)));
  lifeline.on('error', () => undefined);

  // How to know the run's processes once they left its group: its id (MISSION_RUN_ID in their
  // environment) and its output streams (as the supervisor holds them, read now while it surely lives).
  const traces: RunTraces = { runId: launch.env.MISSION_RUN_ID ?? '', streams: [1, 2].map((fd) => streamOf(pid, fd)).filter((x): x is string => x !== undefined) };
  /** While the group lives its members get the group's signals only (one SIGTERM each, not two); after, everything found. */
  const leftovers = async (signal: NodeJS.Signals, groupAlive: boolean) => signalAll(await findLeftovers(traces, groupAlive ? { group: pid } : {}), signal);

  let ending: { status: 'timed_out' | 'cancelled'; error: string } | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const end = (status: 'timed_out' | 'cancelled', error: string) => {
    if (ending) return;
    ending = { status, error };
    signalGroup(pid, 'SIGTERM');
    void leftovers('SIGTERM', true); // escaped processes get the same grace as the group
    killTimer = setTimeout(() => {
      signalGroup(pid, 'SIGKILL');
      void leftovers('SIGKILL', false);
    }, launch.killAfterMs ?? 5000);
  };
  const timer = setTimeout(() => end('timed_out', `timed out after ${Math.round(launch.timeoutMs / 1000)} s (timeoutSeconds in the agents file); its process group was stopped`), launch.timeoutMs);

  const outputClosed = Promise.all([closed(child.stdout!), closed(child.stderr!)]);
  const lifelineClosed = closed(lifeline as unknown as NodeJS.EventEmitter);

  const done = new Promise<AgentExit>((resolve) => {
    let spawnError: string | undefined;
    let settling = false;
    child.on('error', (error) => {
      spawnError = error.message;
      settle(null, null); // no 'exit' follows a failed spawn
    });
    child.on('exit', (code, signal) => settle(code, signal));

    async function settle(code: number | null, signal: NodeJS.Signals | null) {
      if (settling) return;
      settling = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      await within(REPORT_WAIT_MS, lifelineClosed);
      // The supervisor has ended its group (again here, for a straggler); then what escaped the group,
      // which also closes the output it held; then the output still in flight, for at most DRAIN_MS.
      signalGroup(pid, 'SIGKILL');
      await leftovers('SIGKILL', false);
      await within(DRAIN_MS, outputClosed);
      child.stdout!.destroy();
      child.stderr!.destroy();
      resolve(outcome(code, signal));
    }

    function outcome(code: number | null, signal: NodeJS.Signals | null): AgentExit {
      const output = tail.text();
      const report = parseReport(reportText);
      const program = launch.argv[0];
      if (spawnError !== undefined) return { status: 'failed', exitCode: null, signal: null, error: `could not start the agent: ${spawnError}`, output };
      if (report?.error) {
        const missing = report.error === 'ENOENT';
        const error = missing
          ? `agent command not found: "${program}" (ENOENT) is not on the PATH of the runner. Install it, or set agents.${launch.agentType}.command to its full path in the agents file (--agents / MISSIONS_AGENTS)`
          : `could not start agent command "${program}": ${report.message ?? report.error}`;
        return { status: 'failed', exitCode: null, signal: null, error, output };
      }
      const exitCode = report ? report.exitCode ?? null : code;
      const sig = report ? report.signal ?? null : signal;
      if (ending) return { status: ending.status, exitCode, signal: sig, error: ending.error, output };
      if (exitCode === 0) return { status: 'succeeded', exitCode, signal: null, error: null, output };
      const error = exitCode !== null ? `the agent exited with code ${exitCode}` : `the agent was ended by ${sig ?? 'an unknown signal'}`;
      return { status: 'failed', exitCode, signal: sig, error, output };
    }
  });
  return { pid, done, cancel: (reason) => end('cancelled', reason) };
}

function closed(stream: NodeJS.EventEmitter): Promise<void> {
  return new Promise<void>((resolve) => {
    stream.once('close', () => resolve());
    stream.once('error', () => resolve());
  });
}

/** Resolves when `wait` does, or after `ms`, whichever is first. */
async function within(ms: number, wait: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([wait, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

function parseReport(text: string): Report | undefined {
  const line = text.split('\n').find((l) => l.trim() !== '');
  if (!line) return undefined;
  try {
    return JSON.parse(line) as Report;
  } catch {
    return undefined;
  }
}
