// Write locks. Within a process, a promise chain queues writers; across processes, proper-lockfile
// holds a lock directory beside the store file (mkdir is atomic on every platform we serve).
import { statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import { MissionError } from '../errors.js';

export interface WriteLock {
  run<T>(fn: (hold: LockHold) => Promise<T>): Promise<T>;
}

/** What a holder asks before each write: is the lock still mine? */
export interface LockHold {
  /** Throws store_error when the lock was lost (taken over after a stall, or removed): write nothing then. */
  assertHeld(): void;
}

const HELD: LockHold = { assertHeld: () => undefined };

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
}

/** One writer at a time across every process that shares `file`. */
export class FileLock implements WriteLock {
  private readonly mutex = new ProcessMutex();
  private folderReady = false;

  constructor(
    private readonly file: string,
    private readonly options: FileLockOptions = {},
  ) {}

  get lockPath(): string {
    return `${this.file}.lock`;
  }

  run<T>(fn: (hold: LockHold) => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      const hold = new Hold(this.file, this.lockPath, this.stale);
      const release = await this.acquire(hold);
      hold.taken();
      try {
        return await fn(hold);
      } finally {
        await release().catch(() => undefined);
      }
    });
  }

  /** A holder refreshes the lock every second; one not refreshed for 4 s died (kill -9), or stalled,
   * and the next writer takes it over. Writes hold the lock for milliseconds; the snapshot is read
   * before the lock is taken (JournalStore.flush), so no holder comes near 4 s unless it stalls. */
  private get stale(): number {
    return Math.max(this.options.staleMs ?? 4_000, 2_000); // proper-lockfile's own minimum
  }

  private async acquire(hold: Hold): Promise<() => Promise<void>> {
    const stale = this.stale;
    const waitMs = this.options.waitMs ?? 30_000;
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
    const maxTimeout = 25;
    const common = {
      realpath: false,
      lockfilePath: this.lockPath,
      stale,
      update: 1_000,
      onCompromised: (error: Error) => {
        hold.lost(error);
        if (this.options.onCompromised) return this.options.onCompromised(error);
        const log = this.options.log ?? ((message: string) => process.stderr.write(`missions-mcp: ${message}\n`));
        log(`store lock compromised: ${error.message}; this process writes nothing until it takes the lock again`);
      },
    };
    try {
      // Fast path: an uncontended lock is one mkdir and one stat, done synchronously (microseconds
      // on a local disk, where each trip through libuv's thread pool costs tens). If another
      // process holds it, wait for it asynchronously.
      const release = lockfile.lockSync(this.file, common);
      return async () => release();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') return this.failed(error, waitMs);
    }
    try {
      return await lockfile.lock(this.file, {
        ...common,
        retries: { retries: Math.ceil(waitMs / maxTimeout), minTimeout: 1, maxTimeout, factor: 1.5, randomize: true },
      });
    } catch (error) {
      return this.failed(error, waitMs);
    }
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
 * One holding of the lock. Lost when proper-lockfile reports it compromised, when the lock folder is
 * no longer the one we made (another process took it over), or when it has not been refreshed for
 * nearly the stale window (this process stalled: another may be taking it over right now).
 */
class Hold implements LockHold {
  private identity: string | undefined;
  private lostBecause: string | undefined;

  constructor(
    private readonly file: string,
    private readonly path: string,
    private readonly stale: number,
  ) {}

  private stat() {
    return statSync(this.path, { bigint: true });
  }

  taken(): void {
    const st = this.stat();
    this.identity = `${st.ino}:${st.birthtimeNs}`;
  }

  lost(error: Error): void {
    this.lostBecause ??= error.message;
  }

  assertHeld(): void {
    if (this.lostBecause === undefined) {
      let st;
      try {
        st = this.stat();
      } catch (error) {
        this.lostBecause = `the lock folder is gone (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
      }
      if (st && `${st.ino}:${st.birthtimeNs}` !== this.identity) this.lostBecause = 'another process has taken it over';
      else if (st && Date.now() - Number(st.mtimeMs) > this.stale - 500) {
        this.lostBecause = `it was not refreshed for ${((Date.now() - Number(st.mtimeMs)) / 1000).toFixed(1)} s, close to the ${this.stale / 1000} s after which another process may take it over`;
      }
    }
    if (this.lostBecause !== undefined) {
      throw new MissionError(
        'store_error',
        `Cannot write the mission store ${this.file}: this process lost its write lock ${this.path} while it held it (${this.lostBecause}; the process stalled). ` +
          'Nothing was written, so no other process\'s change was overwritten; try again.',
      );
    }
  }
}
