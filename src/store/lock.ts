// Write locks. Within a process, a promise chain queues writers; across processes, proper-lockfile
// holds a lock directory beside the store file (mkdir is atomic on every platform we serve).
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import { MissionError } from '../errors.js';

export interface WriteLock {
  run<T>(fn: () => Promise<T>): Promise<T>;
}

/** Serialises writers in one process: each waits for the previous to finish, success or failure. */
export class ProcessMutex implements WriteLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
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

  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      const release = await this.acquire();
      try {
        return await fn();
      } finally {
        await release().catch(() => undefined);
      }
    });
  }

  private async acquire(): Promise<() => Promise<void>> {
    // A holder refreshes the lock every second; one not refreshed for 4 s died (kill -9), and the
    // next writer takes it over. Writes hold the lock for milliseconds, so 4 s leaves a wide margin.
    const stale = this.options.staleMs ?? 4_000;
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
      onCompromised: this.options.onCompromised ?? ((error: Error) => process.stderr.write(`missions-mcp: store lock compromised: ${error.message}\n`)),
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
    const why =
      code === 'ELOCKED'
        ? `another missions-mcp process has held the lock ${this.lockPath} for over ${waitMs / 1000} s`
        : `cannot take the lock ${this.lockPath} (${(error as Error).message})`;
    throw new MissionError('store_error', `Cannot write the mission store ${this.file}: ${why}. Nothing was written; try again.`, {
      cause: error,
    });
  }
}
