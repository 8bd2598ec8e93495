// Write locks. Within a process, a promise chain queues writers; across processes, a lock file beside
// the store (`<store>.lock`), created with O_CREAT | O_EXCL, which is atomic on every platform we serve.
//
// Taking a free lock is one open (and an fstat for its identity), giving it back one unlink: about
// 15 µs, where the lock folder of proper-lockfile (mkdir, utimes, stat, rmdir) cost 0.15-0.4 ms. Even
// a file created and removed at every write adds to the fdatasync that follows (the file system's own
// journal commits those changes with the append), so a process keeps the lock after a write that
// appended while no other process asks for it, for up to KEEP_MS: a burst of writes takes it once. A process that finds
// the lock held asks for it by creating `<store>.lock.want`; the holder looks for that file at the end
// of each write and every WANT_POLL_MS while it keeps the lock idle, and gives the lock up.
//
// A lock folder left by an older missions-mcp at the same path is honoured (and taken over when
// stale) like a lock file.
import { stderrLogger } from '../log.js';
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, futimesSync, linkSync, openSync, renameSync, rmdirSync, statSync, unlinkSync, type BigIntStats } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MissionError } from '../errors.js';

export interface WriteLock {
  run<T>(fn: (hold: LockHold) => Promise<T>): Promise<T>;
}

/** What a holder asks before each write: is the lock still mine? */
export interface LockHold {
  /** Throws store_error when the lock was lost (taken over after a stall, or removed): write nothing then. */
  assertHeld(): void;
  /** This holding wrote: keep the lock for the next write unless another process asks (FileLock). */
  keep(): void;
}

const HELD: LockHold = { assertHeld: () => undefined, keep: () => undefined };

/** Serialises writers in one process: each waits for the previous to finish, success or failure. */
export class ProcessMutex implements WriteLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: (hold: LockHold) => Promise<T>): Promise<T> {
    const go = () => fn(HELD);
    const result = this.tail.then(go, go);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

export interface FileLockOptions {
  /** A lock older than this is taken over: its holder died (kill -9). */
  staleMs?: number;
  /** How long to wait for another process before giving up. */
  waitMs?: number;
  onCompromised?: (error: Error) => void;
  /** Where a compromised lock is reported when `onCompromised` is not given (the store's logger). */
  log?: (message: string) => void;
  /** How long the lock is kept after a write while no other process asks for it (default KEEP_MS; tests raise it). */
  keepMs?: number;
}

/** How often a holder refreshes its lock's mtime, so that others see it alive. */
const REFRESH_MS = 1_000;
/** How long a process keeps the lock after its last write when no other process asks for it. */
export const KEEP_MS = 50;
/** How often a process that keeps the lock idle looks for another process asking for it. */
const WANT_POLL_MS = 2;
/** A process that gave the lock up because another asked waits this long at most for that one to take it. */
const YIELD_MS = 50;
/** A waiter looks again about every millisecond for this long (the holder lets go at the end of its
 * write), then less and less often, up to every 25 ms (a long write: a new snapshot). */
const EAGER_WAIT_MS = 50;

/** Locks this process holds, removed if it exits while holding them (process.exit, an uncaught error). */
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One writer at a time across every process that shares `file`. */
export class FileLock implements WriteLock {
  private readonly mutex = new ProcessMutex();
  private folderReady = false;
  /** The lock, kept after a write (see KEEP_MS); undefined while a write uses it, and when not held. */
  private kept: Hold | undefined;
  private keptSince = 0;
  private keepTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Until then, while the request it answered is pending, this process lets the asker go first. */
  private yieldUntil = 0;

  constructor(
    private readonly file: string,
    private readonly options: FileLockOptions = {},
  ) {}

  get lockPath(): string {
    return `${this.file}.lock`;
  }

  /** Where a process that waits for the lock asks its holder to give it up. */
  get wantPath(): string {
    return `${this.file}.lock.want`;
  }

  run<T>(fn: (hold: LockHold) => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      const hold = this.reuseKept() ?? (await this.acquire());
      let done = false;
      try {
        const result = await fn(hold);
        done = true;
        return result;
      } finally {
        if (done) this.keepOrRelease(hold);
        else hold.release(); // a write that failed (a damaged store, a full disk) keeps nothing
      }
    });
  }

  /** True while this process keeps the lock after a write: no other process has written since. */
  get keeping(): boolean {
    return this.kept !== undefined;
  }

  /** Gives back a lock kept after the last write; later writes take it again. */
  close(): void {
    this.closed = true;
    this.releaseKept();
  }

  /** The lock kept after the last write, if it is still ours and fresh; else gives it up. */
  private reuseKept(): Hold | undefined {
    const hold = this.kept;
    if (hold === undefined) return undefined;
    this.kept = undefined;
    if (hold.fresh()) return hold;
    hold.release();
    return undefined;
  }

  private keepOrRelease(hold: Hold): void {
    if (this.wanted()) {
      this.giveUp(hold);
      return;
    }
    if (this.closed || !hold.usable() || !hold.keeping) {
      hold.release();
      return;
    }
    hold.keeping = false; // the next write says again whether it is worth keeping
    this.kept = hold;
    this.keptSince = Date.now();
    if (this.keepTimer === undefined) {
      this.keepTimer = setTimeout(() => this.watchKept(), WANT_POLL_MS);
      this.keepTimer.unref();
    } else this.keepTimer.refresh();
  }

  /** While the lock is kept idle: give it up when another process asks, or after KEEP_MS. */
  private watchKept(): void {
    const hold = this.kept;
    if (hold === undefined) return; // a write is using it: it decides at its end
    if (this.wanted()) {
      this.kept = undefined;
      this.giveUp(hold);
    } else if (Date.now() - this.keptSince >= (this.options.keepMs ?? KEEP_MS)) this.releaseKept();
    else this.keepTimer!.refresh();
  }

  /** Another process asked: let go, and let it take the lock before this process takes it again. */
  private giveUp(hold: Hold): void {
    hold.release();
    this.yieldUntil = Date.now() + YIELD_MS;
  }

  private releaseKept(): void {
    const hold = this.kept;
    this.kept = undefined;
    hold?.release();
  }

  private wanted(): boolean {
    try {
      return statSync(this.wantPath, { throwIfNoEntry: false }) !== undefined;
    } catch {
      return true; // cannot tell: give the lock up, as before there was keeping
    }
  }

  /** Asks the holder to give the lock up (best effort: without it, the holder lets go after KEEP_MS). */
  private askForIt(): void {
    try {
      if (statSync(this.wantPath, { throwIfNoEntry: false }) === undefined) closeSync(openSync(this.wantPath, constants.O_WRONLY | constants.O_CREAT, 0o600));
    } catch {
      // see above
    }
  }

  /** The lock is ours: the request (ours, or one left by a waiter that died) is answered. Waiters that
   * still wait create it again at their next look, and we give the lock up after this write. */
  private answered(): void {
    try {
      if (statSync(this.wantPath, { throwIfNoEntry: false }) !== undefined) unlinkSync(this.wantPath);
    } catch {
      // harmless: we give the lock up after each write while it is there
    }
  }

  /** A holder refreshes the lock every second; one not refreshed for 4 s died (kill -9), or stalled,
   * and the next writer takes it over. Writes hold the lock for milliseconds; the snapshot is read
   * before the lock is taken (JournalStore.flush), so no holder comes near 4 s unless it stalls. */
  private get stale(): number {
    return Math.max(this.options.staleMs ?? 4_000, 2_000);
  }

  private async acquire(): Promise<Hold> {
    try {
      // Once the folder exists, skip the mkdir; if it is removed later, the lock fails with ENOENT
      // and the next attempt creates it again.
      if (!this.folderReady) await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
      this.folderReady = true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new MissionError(
        'store_error',
        `Cannot write the mission store ${this.file}: its folder ${dirname(this.file)} cannot be created (${code}). Point --store (MISSIONS_STORE) at a file in a folder you can write. Nothing was written.`,
        { cause: error },
      );
    }
    const waitMs = this.options.waitMs ?? 30_000;
    const start = Date.now();
    // Taken synchronously when free (microseconds). While another process holds it, ask for it and
    // look again after a short randomised pause, longer once the holder is slow to let go. Having
    // just let go because another process asked, first let one of the waiters take it, so that
    // processes writing at once take turns.
    for (let pause = 1; ; pause = Date.now() - start < EAGER_WAIT_MS ? 1 : Math.min(pause * 1.5, 25)) {
      if (Date.now() < this.yieldUntil && statSync(this.lockPath, { throwIfNoEntry: false }) === undefined) {
        await sleep(pause * (0.5 + Math.random()));
        continue;
      }
      let hold: Hold | undefined;
      try {
        hold = this.tryTake();
      } catch (error) {
        return this.failed(error, waitMs);
      }
      if (hold) {
        this.answered();
        return hold;
      }
      this.yieldUntil = 0; // another process has it now: from here on, the request is ours
      this.askForIt();
      if (Date.now() - start >= waitMs) return this.failed(Object.assign(new Error('held by another process'), { code: 'ELOCKED' }), waitMs);
      await sleep(pause * (0.5 + Math.random()));
    }
  }

  /** Creates the lock file, or takes over a stale one; undefined while another process holds it. */
  private tryTake(): Hold | undefined {
    for (let attempt = 0; attempt < 3; attempt++) {
      let fd: number;
      try {
        fd = openSync(this.lockPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (this.removeIfStale()) continue;
        return undefined;
      }
      let ino: bigint;
      try {
        ino = fstatSync(fd, { bigint: true }).ino;
      } catch (error) {
        closeSync(fd);
        unlinkSync(this.lockPath);
        throw error;
      }
      const hold = new Hold(this.file, this.lockPath, fd, ino, this.stale, (error) => this.compromised(error));
      removeOnExit(hold);
      return hold;
    }
    return undefined;
  }

  /**
   * Removes the lock at the path if it was not refreshed within the stale window (its holder died, or
   * is frozen: a frozen holder finds out before it writes, see Hold.assertHeld). Returns true when the
   * path may be free now. Two processes may judge the same lock stale at once: the lock is moved
   * aside (an atomic rename) and removed only if it is the one judged stale, else put back, so that
   * one process never removes the fresh lock another has just taken.
   */
  private removeIfStale(): boolean {
    let seen: BigIntStats;
    try {
      seen = statSync(this.lockPath, { bigint: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
      throw error;
    }
    const age = Date.now() - Number(seen.mtimeMs);
    if (age <= this.stale) return false;
    const log = this.options.log ?? stderrLogger();
    const tookOver = () => log(`took over the store lock ${this.lockPath}: not refreshed for ${(age / 1000).toFixed(1)} s (its process was killed or froze)`);
    if (seen.isDirectory()) {
      // A lock folder of an older missions-mcp (proper-lockfile), which takes stale folders over the same way.
      try {
        rmdirSync(this.lockPath);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTEMPTY') throw error;
      }
      tookOver();
      return true;
    }
    const aside = `${this.lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
    try {
      renameSync(this.lockPath, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
      throw error;
    }
    const moved = statSync(aside, { bigint: true });
    if (moved.ino !== seen.ino || moved.dev !== seen.dev) {
      // Another process took the stale lock over between our stat and our rename: give its lock back
      // (a link never replaces; if a third process took the path meanwhile, that holder keeps it and
      // the one we moved finds out before it writes).
      try {
        linkSync(aside, this.lockPath);
      } catch {
        // see above
      }
      unlinkSync(aside);
      return false;
    }
    unlinkSync(aside);
    tookOver();
    return true;
  }

  private compromised(error: Error): void {
    if (this.options.onCompromised) return this.options.onCompromised(error);
    const log = this.options.log ?? stderrLogger();
    log(`store lock compromised: ${error.message}; this process writes nothing until it takes the lock again`);
  }

  private failed(error: unknown, waitMs: number): never {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') this.folderReady = false;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw new MissionError(
        'store_error',
        `Cannot write the mission store ${this.file}: permission denied to create its lock ${this.lockPath} in ${dirname(this.file)} (${code}). ` +
          'Give the user running missions-mcp the right to write that folder, or point --store (MISSIONS_STORE) at a file in a folder it may write. Nothing was written.',
        { cause: error },
      );
    }
    const why =
      code === 'ELOCKED'
        ? `another missions-mcp process has held the lock ${this.lockPath} for over ${waitMs / 1000} s`
        : `cannot take the lock ${this.lockPath} (${(error as Error).message})`;
    throw new MissionError('store_error', `Cannot write the mission store ${this.file}: ${why}. Nothing was written; try again.`, {
      cause: error,
    });
  }
}

/**
 * One holding of the lock: the lock file this process created, kept open so that its inode cannot be
 * reused while we compare it with what is at the path. Lost when the path no longer names it (another
 * process took it over, or it was removed), or when it has not been refreshed for nearly the stale
 * window (this process stalled: another may be taking it over right now).
 */
class Hold implements LockHold {
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
