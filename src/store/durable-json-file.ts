// A lowdb adapter for the store's snapshot: one JSON file that several processes share (SPEC §8). It replaces lowdb's
// JSONFile, whose writer (steno) uses one fixed temp name and never fsyncs:
// - read(): stat first; an unchanged file is neither re-read nor re-parsed;
// - write(): a unique temp file (mode 0600, or the mode and owner of the file it replaces), fsync,
//   rename over the store, fsync the folder;
// - a corrupt, unreadable or newer-version file is never overwritten: every read and write throws
//   store_error naming the file, where the fault is and what to do;
// - an older format is migrated in memory and written at the next write, after a backup copy.
// Callers hold the store's write lock around read-then-write.
import { stderrLogger } from '../log.js';
import { randomBytes } from 'node:crypto';
import { constants, renameSync, statSync } from 'node:fs';
import { copyFile, mkdir, open, readdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { MissionError } from '../errors.js';
import { outcomeUnknown, storeError, storeIoError } from './faults.js';
import { syncFolder } from './fsync.js';
import { assertMayRewrite, matchOwner, ownerOf } from './ownership.js';
import { DocumentFault, emptyDocument, serializeDocument, type StoreDocument } from './document.js';
import { TOO_LARGE_ADVICE, readDocument, type ReadLimits } from './snapshot-reader.js';

type Stamp = string;

function stampOf(s: { ino: bigint; size: bigint; mtimeNs: bigint; ctimeNs: bigint }): Stamp {
  return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

const MISSING = 'missing';

const sizeOf = (stamp: Stamp | undefined): number => (stamp === undefined || stamp === MISSING ? 0 : Number(stamp.split(':')[1]));

/** The file's stamp now (one synchronous stat: microseconds on a local disk, against tens for a
 * trip through libuv's thread pool; this is the hot path of every read). */
function stampNow(path: string): Stamp {
  try {
    return stampOf(statSync(path, { bigint: true }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return MISSING;
    throw error;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Bytes written to the file at a time. */
const WRITE_BUFFER = 1024 * 1024;

/** Writes the chunks in order, gathered into one reused buffer of about 1 MB per write. */
async function writeChunks(handle: FileHandle, chunks: Iterable<string>): Promise<void> {
  const buffer = Buffer.allocUnsafe(WRITE_BUFFER);
  let used = 0;
  const flush = async () => {
    for (let done = 0; done < used; ) done += (await handle.write(buffer, done, used - done)).bytesWritten;
    used = 0;
  };
  for (const chunk of chunks) {
    const most = chunk.length * 3; // UTF-8 bytes at most for this many UTF-16 units
    if (used > 0 && used + most > buffer.length) await flush();
    if (most > buffer.length) await handle.write(chunk, null, 'utf8');
    else used += buffer.write(chunk, used, 'utf8');
  }
  await flush();
}

export class DurableJsonFile implements Adapter<StoreDocument> {
  /** How many times the file was read and parsed; reads of an unchanged file do not add to it. */
  loads = 0;
  private stamp: Stamp | undefined;
  private cached: StoreDocument | undefined;
  private fault: MissionError | undefined;
  private migratedFrom: number | undefined;

  constructor(
    readonly path: string,
    private readonly readLimits: ReadLimits = {},
    private readonly log: (message: string) => void = stderrLogger(),
  ) {}

  /** Whether the file existed at the last read or write. */
  get exists(): boolean {
    return this.stamp !== undefined && this.stamp !== MISSING;
  }

  /** Its size in bytes at the last read or write. */
  get size(): number {
    return sizeOf(this.stamp);
  }

  /** True when the file on disk is no longer the one last read or written (one stat). */
  changedOnDisk(): boolean {
    try {
      return stampNow(this.path) !== this.stamp;
    } catch {
      return true; // unreadable now: let the next read say why
    }
  }

  /** True when the file is in an older format: the next write must rewrite it (after a backup). */
  get migrationPending(): boolean {
    return this.migratedFrom !== undefined;
  }

  private storeError(what: string, advice: string, cause?: unknown): MissionError {
    return storeError(this.path, what, advice, cause);
  }

  async read(): Promise<StoreDocument> {
    let current: Stamp;
    try {
      current = stampNow(this.path);
    } catch (error) {
      throw this.ioError('cannot read it', error);
    }
    if (current === this.stamp) {
      if (this.fault) throw this.fault;
      return this.cached!;
    }
    if (current === MISSING) return this.remember(MISSING, emptyDocument());
    return this.load();
  }

  private remember(stamp: Stamp, doc: StoreDocument, migratedFrom?: number): StoreDocument {
    this.stamp = stamp;
    this.cached = doc;
    this.fault = undefined;
    this.migratedFrom = migratedFrom;
    return doc;
  }

  private async load(): Promise<StoreDocument> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return this.read();
      throw this.ioError('cannot open it', error);
    }
    try {
      // Stamp and bytes from the same open file, so a concurrent rename cannot pair them wrongly.
      const st = await handle.stat({ bigint: true });
      const stamp = stampOf(st);
      this.loads++;
      try {
        const { document, migratedFrom } = await readDocument(handle, Number(st.size), this.readLimits);
        return this.remember(stamp, document, migratedFrom);
      } catch (error) {
        let fault: DocumentFault;
        if (error instanceof DocumentFault) fault = error;
        else if (error instanceof RangeError) {
          // V8's limits (a string, an array, the heap of a buffer): say what is wrong and what to do,
          // not "check the path".
          fault = new DocumentFault(`it is too large to read (${Number(st.size).toLocaleString('en-US')} bytes: ${error.message})`, 'the whole file', TOO_LARGE_ADVICE);
        } else throw error;
        this.stamp = stamp;
        this.cached = undefined;
        this.fault = this.storeError(`${fault.message}, at ${fault.where}`, `${fault.advice}. Nothing was written`);
        throw this.fault;
      }
    } catch (error) {
      if (error instanceof MissionError) throw error;
      throw this.ioError('cannot read it', error);
    } finally {
      await handle.close();
    }
  }

  private ioError(what: string, error: unknown): MissionError {
    return storeIoError(this.path, what, error);
  }

  private swept = false;

  /** Removes temp files that writers killed mid-write left behind (their pid is gone). Once per process. */
  private async sweepOrphans(dir: string): Promise<void> {
    if (this.swept) return;
    this.swept = true;
    const prefix = `.${basename(this.path)}.`; // names are .<file>.<pid>.<random>.tmp
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
      const pid = Number(name.slice(prefix.length).split('.')[0]);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isAlive(pid)) await unlink(join(dir, name)).catch(() => undefined);
    }
  }

  /** `beforeRename` may refuse (throw) right before the new file replaces the old one. */
  async write(doc: StoreDocument, beforeRename: () => void = () => undefined): Promise<void> {
    // Never write over a file we could not read: read() throws its fault again.
    await this.read();
    const owner = ownerOf(this.path);
    assertMayRewrite(this.path, owner);
    const dir = dirname(this.path);
    const temp = join(dir, `.${basename(this.path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await this.sweepOrphans(dir);
      if (this.migratedFrom !== undefined) await this.backup(this.migratedFrom);
      const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      try {
        await matchOwner(handle, owner); // the same mode (and, as root, owner) as the file it replaces
        await writeChunks(handle, serializeDocument(doc));
        await handle.sync();
      } finally {
        await handle.close();
      }
      beforeRename();
      renameSync(temp, this.path); // synchronous: nothing slips in between the check and the rename
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      if (error instanceof MissionError) throw error;
      throw this.ioError('cannot write it', error);
    }
    try {
      await syncFolder(dir);
      this.remember(stampOf(await stat(this.path, { bigint: true })), doc);
    } catch (error) {
      // The new file is in place, but the disk did not confirm it: say so rather than "nothing was
      // written", so that a caller checks before repeating (a repeated create would be a duplicate).
      this.stamp = undefined; // read it again next time
      throw outcomeUnknown(this.path, 'after the new file was put in place', error);
    }
  }

  /** Copies the old-format file beside itself before it is replaced: missions.json.v0.bak. */
  private async backup(version: number): Promise<void> {
    const target = `${this.path}.v${version}.bak`;
    try {
      await copyFile(this.path, target, constants.COPYFILE_EXCL);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      await copyFile(this.path, `${target}.${Date.now()}`, constants.COPYFILE_EXCL);
    }
    this.log(`migrated ${this.path} from format version ${version}; the old file is kept as ${target}`);
  }
}
