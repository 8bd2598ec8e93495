// One holding of the lock file: the file this process created, kept open so that its inode cannot be
// reused while we compare it with what is at the path. Guarantees:
// - it is refreshed (its mtime) every REFRESH_MS while held, so that other processes see it alive;
// - it knows it is lost when the path no longer names its inode (another process took it over, or it
//   was removed), or when it has not been refreshed for nearly the stale window (this process stalled:
//   another may be taking it over right now); assertHeld, asked before every write, then throws;
// - release removes the lock file only while it is still ours, and a process that exits holding it
//   (process.exit, an uncaught error) removes it on the way out.
import { closeSync, futimesSync, statSync, unlinkSync, type BigIntStats } from 'node:fs';
import { MissionError } from '../../errors.js';
import type { LockHold } from './write-lock.js';

/** How often a holder refreshes its lock's mtime, so that others see it alive. */
const REFRESH_MS = 1_000;

// The holdings of this process, for its exit hook: a process has one exit, so this state is the
// process's, not any store's.
const heldNow = new Set<Hold>();
let exitHookInstalled = false;
function removeOnExit(hold: Hold): void {
  heldNow.add(hold);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const h of heldNow) h.release();
  });
}

export class Hold implements LockHold {
  private lostBecause: string | undefined;
  private released = false;
  /** Set by a write that appended: worth keeping for the next one. */
  keeping = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly file: string,
    private readonly path: string,
    private readonly fd: number,
    private readonly ino: bigint,
    private readonly stale: number,
    private readonly onLost: (error: Error) => void,
  ) {
    this.timer = setTimeout(() => this.refresh(), REFRESH_MS);
    this.timer.unref();
    removeOnExit(this);
  }

  /** The lock at the path if it is still ours; else records why not. */
  private check(): BigIntStats | undefined {
    if (this.lostBecause !== undefined) return undefined;
    let st: BigIntStats;
    try {
      st = statSync(this.path, { bigint: true });
    } catch (error) {
      this.lostBecause = `the lock file is gone (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
      return undefined;
    }
    if (st.ino !== this.ino) {
      this.lostBecause = 'another process has taken it over';
      return undefined;
    }
    return st;
  }

  /** Every second while held: show the others that we are alive, unless the lock is no longer ours. */
  private refresh(): void {
    if (this.released) return;
    const st = this.check();
    if (st !== undefined) {
      try {
        const now = new Date();
        futimesSync(this.fd, now, now);
      } catch (error) {
        this.lostBecause = `it could not be refreshed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
      }
    }
    if (this.lostBecause !== undefined) {
      this.onLost(Object.assign(new Error(this.lostBecause), { code: 'ECOMPROMISED' }));
      return;
    }
    this.timer.refresh();
  }

  /** Still ours, and refreshed well within the stale window: fit to be used for another write. */
  fresh(): boolean {
    const st = this.check();
    return st !== undefined && Date.now() - Number(st.mtimeMs) < this.stale / 2;
  }

  keep(): void {
    this.keeping = true;
  }

  /** Not known to be lost (no system call). */
  usable(): boolean {
    return this.lostBecause === undefined && !this.released;
  }

  assertHeld(): void {
    const st = this.check();
    if (st !== undefined && Date.now() - Number(st.mtimeMs) > this.stale - 500) {
      this.lostBecause = `it was not refreshed for ${((Date.now() - Number(st.mtimeMs)) / 1000).toFixed(1)} s, close to the ${this.stale / 1000} s after which another process may take it over`;
    }
    if (this.lostBecause !== undefined) {
      throw new MissionError(
        'store_error',
        `Cannot write the mission store ${this.file}: this process lost its write lock ${this.path} while it held it (${this.lostBecause}; the process stalled). ` +
          "Nothing was written, so no other process's change was overwritten; try again.",
      );
    }
  }

  /** Gives the lock back: removes the file if it is still ours. Safe to call twice. */
  release(): void {
    if (this.released) return;
    this.released = true;
    clearTimeout(this.timer);
    heldNow.delete(this);
    try {
      if (statSync(this.path, { bigint: true }).ino === this.ino) unlinkSync(this.path);
    } catch {
      // gone already: nothing to give back
    }
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}
