// Reading a snapshot as a stream of lines (issue 9): a large store never becomes one JavaScript string
// (V8 caps a string at about 512 MB, and a 950 MB snapshot answered "Invalid string length" to every
// process). The format this version writes is one mission, run record or worker per line between a
// header line and a digest line (see serializeDocument); each line is parsed on its own, and the
// digest is hashed as the lines go by. A file in any other layout (an older version, an edit by hand,
// a fault) is read whole, as before, when it is small enough: that path gives the exact position of
// any fault. Past that size, a fault is reported by line and column from here.
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { dottedPath } from '../errors.js';
import { Mission } from '../mission/model.js';
import { RunRecord, WorkerRecord } from '../run/model.js';
import { Canonicaliser } from './canonical.js';
import { DocumentFault, FIX, FORMAT_VERSION, documentFrom, jsonFault, parseDocument, type ParsedDocument } from './document.js';

export interface ReadLimits {
  /** Files up to this size that are not in the line format are read and parsed whole (default 256 MB). */
  wholeFile?: number;
  /** No line may be longer (default 256 MB): a mission is bounded far below this (--max-mission-bytes). */
  line?: number;
}

const DEFAULT_READ_LIMIT = 256 * 1024 * 1024;
const CHUNK = 1024 * 1024;
const NEWLINE = 0x0a;

const HEADER = /^\{"version": (\d+), "seq": (\d+), "missions": \[$/;
const SECTION = /^\], "(runs|workers)": \[$/;
const TRAILER = /^\], "digest": "([0-9a-f]{64})"\}$/;

const mb = (bytes: number) => `${Math.round(bytes / (1024 * 1024)).toLocaleString('en-US')} MB`;

export const TOO_LARGE_ADVICE =
  'Move the file away to start a new store, or remove its largest missions by hand (each line of the file is one mission) ' +
  'with every missions-mcp process stopped. --max-mission-bytes and --max-missions-per-owner keep a store from growing this large. Nothing was written';

/** Why the line layout did not hold, and where. */
class NotLineFormat {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {}
}

const SCHEMAS = { missions: [Mission, 'a mission'], runs: [RunRecord, 'a run record'], workers: [WorkerRecord, 'a worker record'] } as const;

/**
 * The line layout, fed whole lines a region at a time (each region ends with a newline), straight from
 * the read buffer: a region is hashed in one piece but for its last line, which is held back until more
 * follows (the digest line, always last, is not part of the digest).
 */
class LineParser {
  private readonly hash = createHash('sha256');
  private readonly sections: Record<string, unknown[]> = { missions: [] };
  private section = 'missions';
  private current: unknown[] = this.sections.missions!;
  private version = 0;
  private header: RegExpExecArray | null = null;
  private digest: string | undefined;
  private lastHadComma = false;
  /** Lines read so far. */
  lines = 0;
  private held: Buffer | undefined;
  private readonly canonical = new Canonicaliser();

  /** Parses the lines in `region`; a NotLineFormat says where the layout breaks. */
  feed(region: Buffer): NotLineFormat | undefined {
    if (this.held) this.hash.update(this.held);
    this.held = undefined;
    let hashFrom = 0;
    for (let start = 0; start < region.length; ) {
      const end = region.indexOf(NEWLINE, start);
      // Each line decoded on its own: only a line with a character past Latin-1 becomes a two-byte string.
      const fault = this.line(region.toString('utf8', start, end), ++this.lines);
      if (fault) return fault;
      if (this.lines === 1) hashFrom = end + 1;
      start = end + 1;
    }
    const lastStart = region.length >= 2 ? region.lastIndexOf(NEWLINE, region.length - 2) + 1 : 0;
    if (lastStart >= hashFrom) {
      this.hash.update(region.subarray(hashFrom, lastStart));
      this.held = Buffer.from(region.subarray(lastStart));
    }
    return undefined;
  }

  private line(text: string, number: number): NotLineFormat | undefined {
    if (this.digest !== undefined) return new NotLineFormat('more follows the digest line', number, 1);
    if (number === 1) {
      this.header = HEADER.exec(text);
      if (!this.header) return new NotLineFormat('the first line is not a header written by missions-mcp', 1, 1);
      this.version = Number(this.header[1]);
      return undefined;
    }
    const section = SECTION.exec(text);
    const trailer = section ? null : TRAILER.exec(text);
    if (section || trailer) {
      if (this.lastHadComma) return new NotLineFormat('a comma before the end of a list', number - 1, 1);
      if (trailer) this.digest = trailer[1]!;
      else this.current = this.sections[(this.section = section![1]!)] = [];
      return undefined;
    }
    if (this.current.length > 0 && !this.lastHadComma) return new NotLineFormat('expected a comma at the end of the line before', number - 1, 1);
    this.lastHadComma = text.endsWith(',');
    const json = this.lastHadComma ? text.slice(0, -1) : text;
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      const { offset, reason } = jsonFault(json);
      return new NotLineFormat(`it is not valid JSON (${reason})`, number, offset + 1);
    }
    if (this.version < FORMAT_VERSION) value = this.checked(value);
    // Shared while the parts it replaces are still young: they die before ever reaching the old heap.
    // A mission not in the model's shape (edited by hand) stays as it is: the check at the end says where.
    if (this.section === 'missions') {
      try {
        value = this.canonical.mission(value as Mission);
      } catch {
        // It only ever put equal values in place: the check finds the same fault.
      }
    }
    this.current.push(value);
    return undefined;
  }

  /**
   * An older format is checked line by line as it is read (its digest, if any, vouches for the lines,
   * not for their shape in this version: the model's defaults fill in what later versions added).
   * Checking as the lines go by keeps the process answering requests while a large store migrates.
   */
  private checked(value: unknown): unknown {
    const [schema, what] = SCHEMAS[this.section as keyof typeof SCHEMAS];
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    throw new DocumentFault(`${what} does not match the format (${issue.message})`, `${this.section}.${this.current.length}.${dottedPath(issue.path)}`, FIX);
  }

  /** At the end of the file: `tail` bytes after its last newline. */
  end(tail: number): ParsedDocument | NotLineFormat {
    if (tail > 0) {
      if (this.digest !== undefined) return new NotLineFormat('more follows the digest line', this.lines + 1, 1);
      return new NotLineFormat('the file ends too early: it may have been truncated', this.lines + 1, tail + 1);
    }
    if (this.digest === undefined) return new NotLineFormat('the file ends too early, before its digest line: it may have been truncated', this.lines, 1);
    const raw = { version: this.version, seq: Number(this.header![2]), ...this.sections };
    const asWritten = this.hash.digest('hex') === this.digest;
    // An older version's lines were each checked as read; the current one's are when the digest matches.
    return documentFrom(raw, (found) => found < FORMAT_VERSION || asWritten, { canonical: true });
  }
}

/** Parses a file in the line format, or says where it is not in that format. */
async function readLines(handle: FileHandle, lineLimit: number): Promise<ParsedDocument | NotLineFormat> {
  const parser = new LineParser();
  const chunk = Buffer.allocUnsafe(CHUNK);
  let parts: Buffer[] = []; // a line begun in an earlier chunk
  let pending = 0;
  for (;;) {
    // From the file position, not at offsets: a file that cannot seek (a pipe) reads the same.
    const { bytesRead } = await handle.read(chunk, 0, CHUNK, null);
    if (bytesRead === 0) break;
    const data = chunk.subarray(0, bytesRead);
    const first = data.indexOf(NEWLINE);
    if (first >= 0) {
      const last = data.lastIndexOf(NEWLINE);
      let fault: NotLineFormat | undefined;
      if (parts.length > 0) {
        fault = parser.feed(Buffer.concat([...parts, data.subarray(0, first + 1)]));
        if (!fault && last > first) fault = parser.feed(data.subarray(first + 1, last + 1));
      } else fault = parser.feed(data.subarray(0, last + 1));
      if (fault) return fault;
      parts = [];
      pending = 0;
      if (last + 1 < data.length) {
        parts.push(Buffer.from(data.subarray(last + 1)));
        pending = data.length - last - 1;
      }
    } else {
      parts.push(Buffer.from(data));
      pending += data.length;
    }
    if (pending > lineLimit) {
      const line = parser.lines + 1;
      throw new DocumentFault(`line ${line} is longer than ${mb(lineLimit)}: too large to read`, `line ${line}`, TOO_LARGE_ADVICE);
    }
  }
  return parser.end(pending > 0 ? Buffer.concat(parts).toString('utf8').length : 0);
}

/** The whole file from its start, `size` bytes (the line reader moved the file position). */
async function readWhole(handle: FileHandle, size: number): Promise<string> {
  const buffer = Buffer.allocUnsafe(size);
  let filled = 0;
  while (filled < size) {
    const { bytesRead } = await handle.read(buffer, filled, size - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.toString('utf8', 0, filled);
}

/** Reads and checks the snapshot open in `handle`, `size` bytes long. */
export async function readDocument(handle: FileHandle, size: number, limits: ReadLimits = {}): Promise<ParsedDocument> {
  const lines = await readLines(handle, limits.line ?? DEFAULT_READ_LIMIT);
  if (!(lines instanceof NotLineFormat)) return lines;
  if (size <= (limits.wholeFile ?? DEFAULT_READ_LIMIT)) {
    // Another layout, or a fault: read whole, which locates any fault exactly (character offset too).
    return parseDocument(await readWhole(handle, size));
  }
  throw new DocumentFault(
    `it is ${mb(size)}, too large to read whole, and not in the one-mission-per-line layout missions-mcp writes (${lines.reason})`,
    `line ${lines.line}, column ${lines.column}`,
    `${FIX}; a file this large must keep one mission per line, as missions-mcp writes it`,
  );
}
