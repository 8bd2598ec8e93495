// What a run leaves behind outside its process group (SPEC §12). An agent may start processes in a
// new session (setsid, a double fork, a daemon): signals to its group miss them, and while they hold
// its output open the run would never look finished. On Linux, /proc names them: the processes of
// this user that still carry the run's `MISSION_RUN_ID` in their environment (as exec gave it to them),
// or that hold one of the run's output streams (stdout, stderr) open.
//
// What this cannot see: a process that both cleared its environment (env -i) and closed or replaced
// its standard output and error (a daemon done by the book); processes of other users (setuid
// programs, sudo), whose /proc entries this user may not read; and anything on a system without
// /proc (macOS, Windows), where only the group signals remain. A process that exits and whose pid is
// taken by another between the look and the signal would be hit in its place; the window is a few
// microseconds, as with any kill by pid.
// The look is asynchronous (a few hundred small /proc reads, 20–110 ms on a loaded machine with ~110
// processes), so that a server that also runs agents (serve --runner) keeps answering meanwhile.
import { readlinkSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';

/** How to recognise a run's processes: its id and the identities of its output streams. */
export interface RunTraces {
  runId: string;
  /** What /proc/PID/fd/N links to for the run's stdout and stderr (e.g. "socket:[1234]", "pipe:[99]"). */
  streams: readonly string[];
}

/** What fd `fd` of `pid` is (its /proc link), if it is a pipe or socket this user may read. */
export function streamOf(pid: number, fd: number): string | undefined {
  try {
    const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
    return link.startsWith('pipe:') || link.startsWith('socket:') ? link : undefined;
  } catch {
    return undefined;
  }
}

async function carriesRun(pid: number, runId: string): Promise<boolean> {
  let environ: Buffer;
  try {
    environ = await readFile(`/proc/${pid}/environ`);
  } catch {
    return false; // gone, or not ours to read
  }
  const entry = `MISSION_RUN_ID=${runId}`;
  for (let start = 0; start < environ.length; ) {
    let end = environ.indexOf(0, start);
    if (end < 0) end = environ.length;
    if (end - start === entry.length && environ.toString('latin1', start, end) === entry) return true;
    start = end + 1;
  }
  return false;
}

async function holdsStream(pid: number, streams: ReadonlySet<string>): Promise<boolean> {
  let fds: string[];
  try {
    fds = await readdir(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    try {
      if (streams.has(await readlink(`/proc/${pid}/fd/${fd}`))) return true;
    } catch {
      // closed meanwhile
    }
  }
  return false;
}

/** The process group of `pid`, from /proc/PID/stat (after the command name, which may hold anything). */
async function groupOf(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state, ppid, pgrp, …
    return Number(fields[2]);
  } catch {
    return undefined;
  }
}

/** Processes looked at in parallel. */
const AT_ONCE = 16;

/**
 * The pids that carry the run's id or hold its output, except this process and, when `group` is
 * given, the members of that process group (which the group's own signals reach). [] without /proc.
 */
export async function findLeftovers(traces: RunTraces, options: { group?: number; exclude?: readonly number[] } = {}): Promise<number[]> {
  if (!traces.runId && traces.streams.length === 0) return [];
  let names: string[];
  try {
    names = await readdir('/proc');
  } catch {
    return [];
  }
  const streams = new Set(traces.streams);
  const skip = new Set([process.pid, ...(options.exclude ?? [])]);
  const pids = names.filter((n) => /^\d+$/.test(n)).map(Number).filter((pid) => !skip.has(pid));
  const isLeftover = async (pid: number) => {
    if (!((traces.runId && (await carriesRun(pid, traces.runId))) || (streams.size > 0 && (await holdsStream(pid, streams))))) return false;
    return options.group === undefined || (await groupOf(pid)) !== options.group;
  };
  const found: number[] = [];
  for (let i = 0; i < pids.length; i += AT_ONCE) {
    const batch = pids.slice(i, i + AT_ONCE);
    const hits = await Promise.all(batch.map(isLeftover));
    batch.forEach((pid, j) => hits[j] && found.push(pid));
  }
  return found;
}

/** Signals each pid; returns those that were there to receive it. */
export function signalAll(pids: readonly number[], signal: NodeJS.Signals): number[] {
  return pids.filter((pid) => {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  });
}
