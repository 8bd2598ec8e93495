// One writer at a time across every process that shares a store file: a lock file beside the store
// (`<store>.lock`), created with O_CREAT | O_EXCL, which is atomic on every platform we serve.
// Guarantees: at most one process holds the lock file at a time (a holder that stalls past the stale
// window loses it, and writes nothing: hold.ts); a lock whose holder died is taken over (stale.ts);
// a waiter gives up after waitMs with store_error, and a lock it cannot create says why (permissions,
// a folder that cannot be made). Within the process, writers queue on a ProcessMutex first.
//
// Taking a free lock is one open (and an fstat for its identity), giving it back one unlink: about
// 15 µs, where the lock folder of proper-lockfile (mkdir, utimes, stat, rmdir) cost 0.15-0.4 ms. It is
// kept between writes and handed over on request (handover.ts).
import { closeSync, constants, fstatSync, openSync, statSync, unlinkSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MissionError } from '../../errors.js';
import { stderrLogger } from '../../log.js';
import { Handover } from './handover.js';
import { Hold } from './hold.js';
import { ProcessMutex } from './process-mutex.js';
import { removeIfStale } from './stale.js';
import type { LockHold, WriteLock } from './write-lock.js';

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

/** A waiter looks again about every millisecond for this long (the holder lets go at the end of its
 * write), then less and less often, up to every 25 ms (a long write: a new snapshot). */
const EAGER_WAIT_MS = 50;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class FileLock implements WriteLock {
  private readonly mutex = new ProcessMutex();
  private readonly handover: Handover;
  private readonly log: (message: string) => void;
  private folderReady = false;

  constructor(
    private readonly file: string,
    private readonly options: FileLockOptions = {},
  ) {
    this.handover = new Handover(`${file}.lock.want`, options.keepMs);
    this.log = options.log ?? stderrLogger();
  }

  get lockPath(): string {
    return `${this.file}.lock`;
  }

  run<T>(fn: (hold: LockHold) => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      const hold = this.handover.reuse() ?? (await this.acquire());
      let done = false;
      try {
        const result = await fn(hold);
        done = true;
        return result;
      } finally {
        if (done) this.handover.afterWrite(hold);
        else hold.release(); // a write that failed (a damaged store, a full disk) keeps nothing
      }
    });
  }

  /** True while this process keeps the lock after a write: no other process has written since. */
  get keeping(): boolean {
    return this.handover.keeping;
  }

  /** Gives back a lock kept after the last write; later writes take it again. */
  close(): void {
    this.handover.close();
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
      if (this.handover.yielding() && statSync(this.lockPath, { throwIfNoEntry: false }) === undefined) {
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
        this.handover.answered();
        return hold;
      }
      this.handover.ask(); // another process has it now: from here on, the request is ours
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
        if (removeIfStale(this.lockPath, this.stale, this.log)) continue;
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
      return new Hold(this.file, this.lockPath, fd, ino, this.stale, (error) => this.compromised(error));
    }
    return undefined;
  }

  private compromised(error: Error): void {
    if (this.options.onCompromised) return this.options.onCompromised(error);
    this.log(`store lock compromised: ${error.message}; this process writes nothing until it takes the lock again`);
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
