// The store's journal: `<store>.journal` beside the snapshot, one JSON line per acknowledged change,
// `{"seq":43,"put":[mission…],"remove":["msn_…"]}`. Writers (under the store lock) append whole lines
// with one write and fdatasync before anyone is answered. Readers remember how far they have read and
// read only what was appended since: a reader's cost is O(what changed), not O(store).
//
// A crash mid-append leaves at most a torn last line: readers never consume past the last newline,
// and the next writer, holding the lock, cuts the torn tail off before it appends.
import { constants, readSync, statSync, writeSync } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { dottedPath } from '../errors.js';
import { StoreChangeSchema, type StoreChange } from './change.js';
import { DataSync, syncFolder } from './fsync.js';
import { matchOwner, type FileOwner } from './ownership.js';

export interface JournalEntry extends StoreChange {
  seq: number;
}

const Entry = StoreChangeSchema.extend({ seq: z.number().int().positive() });

/** A complete journal line that is not an entry: the journal is damaged, not merely torn. */
export class JournalFault extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export interface Poll {
  /** Entries appended since the last poll, in file order. */
  entries: JournalEntry[];
  /** The file was replaced, removed or created since the last poll; entries are from its start. */
  replaced: boolean;
}

const NEWLINE = 0x0a;

/** Read and write when allowed (a writer appends through the same handle); read-only otherwise, so
 * that a `--read-only` server can serve a store it may not change. */
async function openForReading(path: string): Promise<FileHandle> {
  try {
    return await open(path, constants.O_RDWR);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return open(path, constants.O_RDONLY);
    throw error;
  }
}

export class JournalFile {
  private fd: FileHandle | undefined;
  private ino: bigint | undefined;
  /** Bytes consumed: always just after a newline (or 0). */
  private offset = 0;
  /** Lines consumed, for messages. */
  private lines = 0;
  /** Bytes after `offset` that are not yet a complete, valid line (a torn tail, or an append in progress). */
  private pending = 0;
  /** How many entries this process has read that other processes wrote. */
  entriesRead = 0;
  private readonly dataSync = new DataSync();

  /** `like`: the owner and mode a new journal gets (those of the snapshot), if any. */
  constructor(
    readonly path: string,
    private readonly like: () => FileOwner | undefined = () => undefined,
  ) {}

  /** Its size in bytes as far as this process knows. */
  get size(): number {
    return this.offset;
  }

  get exists(): boolean {
    return this.fd !== undefined;
  }

  /** Forget the position: the next poll reads the file from its start. */
  rewind(): void {
    void this.fd?.close().catch(() => undefined);
    this.fd = undefined;
    this.ino = undefined;
    this.offset = 0;
    this.lines = 0;
    this.pending = 0;
  }

  /** Reads the complete lines appended since the last poll. */
  async poll(): Promise<Poll> {
    let current: { ino: bigint; size: bigint } | undefined;
    try {
      current = statSync(this.path, { bigint: true }); // synchronous: see stampNow in durable-json-file.ts
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (!current) {
      const replaced = this.fd !== undefined;
      if (replaced) this.rewind();
      return { entries: [], replaced };
    }
    let replaced = false;
    if (current.ino !== this.ino) {
      this.rewind();
      try {
        this.fd = await openForReading(this.path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], replaced: true };
        throw error;
      }
      const opened = await this.fd.stat({ bigint: true });
      this.ino = opened.ino;
      current = opened; // the file we opened, in case the path was replaced in between
      replaced = true;
    }
    const size = Number(current.size);
    if (size <= this.offset) {
      this.pending = 0;
      return { entries: [], replaced };
    }
    // Read synchronously: usually a line or two another process just appended, where a trip through
    // libuv's thread pool would cost more than the read (a compaction's worth is a few MB at most).
    const buffer = Buffer.allocUnsafe(size - this.offset);
    const bytesRead = readSync(this.fd!.fd, buffer, 0, buffer.length, this.offset);
    return { entries: this.consume(buffer.subarray(0, bytesRead)), replaced };
  }

  private consume(bytes: Buffer): JournalEntry[] {
    const entries: JournalEntry[] = [];
    let start = 0;
    for (let end = bytes.indexOf(NEWLINE); end >= 0; end = bytes.indexOf(NEWLINE, start)) {
      const line = this.lines + entries.length + 1;
      const entry = this.parseLine(bytes.toString('utf8', start, end), line);
      if (entry === undefined) {
        // An unreadable line is a torn append only if nothing follows it.
        if (end + 1 < bytes.length) throw new JournalFault('it is not JSON, and more lines follow it', line);
        break;
      }
      entries.push(entry);
      start = end + 1;
    }
    this.lines += entries.length;
    this.offset += start;
    this.pending = bytes.length - start;
    this.entriesRead += entries.length;
    return entries;
  }

  private parseLine(text: string, line: number): JournalEntry | undefined {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return undefined;
    }
    const parsed = Entry.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new JournalFault(`it is not a journal entry (${dottedPath(issue.path) || 'the line'}: ${issue.message})`, line);
    }
    return parsed.data;
  }

  /**
   * Cuts off a torn tail left by a writer that died mid-append. Call only while holding the store
   * lock, right after a poll: then no one else can be appending. Returns the bytes removed.
   */
  async repairTail(): Promise<number> {
    if (!this.fd || this.pending === 0) return 0;
    const torn = this.pending;
    await this.fd.truncate(this.offset);
    await this.fd.datasync();
    this.pending = 0;
    return torn;
  }

  /** Appends entries as whole lines and makes them durable. Call only while holding the store lock. */
  async append(entries: readonly JournalEntry[], beforeWrite: () => void = () => undefined): Promise<void> {
    if (!this.fd) await this.create();
    let text = '';
    for (const e of entries) text += `${JSON.stringify(e)}\n`;
    const bytes = Buffer.from(text, 'utf8');
    // The bytes go to the page cache synchronously (microseconds); only the fdatasync waits for the
    // disk. If either fails, whatever reached the file stays: another process may already have read
    // those lines, and taking them back would let the next writer reuse their sequence numbers for
    // other changes, which that reader would then skip. Complete lines count (their callers are told
    // the outcome is unknown); a partial last line is a torn tail that the next writer cuts off.
    beforeWrite(); // synchronous from here to the last byte: nothing can slip in between
    let written = 0;
    while (written < bytes.length) written += writeSync(this.fd!.fd, bytes, written, bytes.length - written, this.offset + written);
    await this.dataSync.run(this.fd!);
    this.offset += bytes.length;
    this.lines += entries.length;
  }

  private async create(): Promise<void> {
    this.rewind();
    const fd = await open(this.path, constants.O_RDWR | constants.O_CREAT, 0o600);
    this.fd = fd;
    await matchOwner(fd, this.like(), 0o666);
    this.ino = (await fd.stat({ bigint: true })).ino;
    await syncFolder(dirname(this.path));
  }

  /** Removes the journal once a snapshot holds everything in it. Call only while holding the lock. */
  async remove(): Promise<void> {
    this.rewind();
    try {
      await unlink(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await syncFolder(dirname(this.path));
  }

  async close(): Promise<void> {
    const fd = this.fd;
    this.fd = undefined;
    this.ino = undefined;
    await fd?.close().catch(() => undefined);
  }
}
