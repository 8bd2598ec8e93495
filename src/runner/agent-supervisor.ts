// The leader of an agent's process group. The worker starts this small script (node, no shell) as a
// new process group; it starts the agent's argv in the same group with the worker's stdin, stdout and
// stderr pipes, and holds a lifeline socket (fd 3) to the worker. It exists for one guarantee:
// no orphan processes, ever. When the worker dies (even by SIGKILL) the lifeline closes and this
// ends the whole group (SIGTERM, SIGKILL after 5 s); when the agent exits, whatever it left running
// in the group is killed too. It reports how the agent ended as one JSON line on the lifeline.
// Processes that left the group (a new session) are found by the run's id and output streams
// (leftovers.ts): when the worker is gone they get the group's signals, so that a dead worker leaves
// none of them behind either (a live worker ends them itself as it settles the run).
//
// Usage (by the worker only): node agent-supervisor.js <program> [args…]
import { spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { findLeftovers, signalAll, streamOf, type RunTraces } from './leftovers.js';

const KILL_AFTER_MS = 5000;
const [program, ...args] = process.argv.slice(2);
const lifeline = new Socket({ fd: 3, readable: true, writable: true });
let reported = false;
let workerLost = false;
const traces: RunTraces = { runId: process.env.MISSION_RUN_ID ?? '', streams: [1, 2].map((fd) => streamOf(process.pid, fd)).filter((x): x is string => x !== undefined) };
/** Those that left the group; its members get the group's signal only. */
const signalLeftovers = async (signal: NodeJS.Signals) => signalAll(await findLeftovers(traces, { group: process.pid }), signal);

/** Signals to the whole group (this process included, which ignores SIGTERM). */
const signalGroup = (signal: NodeJS.Signals) => {
  try {
    process.kill(0, signal);
  } catch {
    // nothing left
  }
};

// The worker (or the lifeline's loss) sends SIGTERM to the group: the agent gets it; this waits.
process.on('SIGTERM', () => undefined);
process.on('SIGINT', () => undefined);
process.on('SIGHUP', () => undefined);

/** The worker is gone: the SIGTERM to what left the group, under way (a look at /proc takes a moment). */
let sweeping: Promise<unknown> = Promise.resolve();

function report(message: Record<string, unknown>): void {
  if (reported) return;
  reported = true;
  if (workerLost) {
    // Nobody will settle this run: end what left the group before the group (this process with it).
    void sweeping.then(() => signalLeftovers('SIGKILL')).finally(() => signalGroup('SIGKILL'));
    return;
  }
  // The report reaches the worker's socket buffer before the group (this process too) is ended.
  // What left the group the worker ends as it settles the run (one look at /proc, not two).
  lifeline.end(`${JSON.stringify(message)}\n`, () => signalGroup('SIGKILL'));
  setTimeout(() => signalGroup('SIGKILL'), 1000).unref();
}

function workerGone(): void {
  if (reported || workerLost) return; // 'end', 'close' and 'error' may all come: one SIGTERM only
  workerLost = true;
  signalGroup('SIGTERM');
  sweeping = signalLeftovers('SIGTERM');
  setTimeout(() => {
    // The leftovers first: SIGKILL to the group ends this process too.
    void signalLeftovers('SIGKILL').finally(() => signalGroup('SIGKILL'));
  }, KILL_AFTER_MS);
}

lifeline.on('end', workerGone);
lifeline.on('close', workerGone);
lifeline.on('error', workerGone);
lifeline.resume();

const agent = spawn(program!, args, { stdio: [0, 1, 2], shell: false });
agent.on('error', (error: NodeJS.ErrnoException) => report({ error: error.code ?? 'ERROR', message: error.message }));
agent.on('exit', (code, signal) => report({ exitCode: code, signal }));
