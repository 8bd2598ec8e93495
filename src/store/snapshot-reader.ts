// Reading a snapshot as a stream of lines (issue 9): a large store never becomes one JavaScript string
// (V8 caps a string at about 512 MB, and a 950 MB snapshot answered "Invalid string length" to every
// process). The format this version writes is one mission, run record or worker per line between a
// header line and a digest line (see serializeDocument); each line is parsed on its own, and the
// digest is hashed as the lines go by. A file in any other layout (an older version, an edit by hand,
// a fault) is read whole, as before, when it is small enough: that path gives the exact position of
// any fault. Past that size, a fault is reported by line and column from here.
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { DocumentFault, FIX, documentFrom, jsonFault, parseDocument, type ParsedDocument } from './document.js';

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

/** The lines of a file, each without its newline, and whether the file ended with one. */
async function* linesOf(handle: FileHandle, lineLimit: number): AsyncGenerator<{ line: Buffer; number: number; ended: boolean }> {
  const chunk = Buffer.allocUnsafe(CHUNK);
  let parts: Buffer[] = [];
  let pending = 0;
  let number = 0;
  let position = 0;
  for (;;) {
    const { bytesRead } = await handle.read(chunk, 0, CHUNK, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const data = chunk.subarray(0, bytesRead);
    let start = 0;
    for (let end = data.indexOf(NEWLINE); end >= 0; end = data.indexOf(NEWLINE, start)) {
      const piece = data.subarray(start, end);
      const line = parts.length === 0 ? Buffer.from(piece) : Buffer.concat([...parts, piece]);
      parts = [];
      pending = 0;
      yield { line, number: ++number, ended: true };
      start = end + 1;
    }
    if (start < data.length) {
      parts.push(Buffer.from(data.subarray(start)));
      pending += data.length - start;
      if (pending > lineLimit) {
        throw new DocumentFault(`line ${number + 1} is longer than ${mb(lineLimit)}: too large to read`, `line ${number + 1}`, TOO_LARGE_ADVICE);
      }
    }
  }
  if (parts.length > 0) yield { line: Buffer.concat(parts), number: ++number, ended: false };
}

/** Why the line layout did not hold, and where. */
class NotLineFormat {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {}
}

/** Parses a file in the line format, or says where it is not in that format. */
async function readLines(handle: FileHandle, lineLimit: number): Promise<ParsedDocument | NotLineFormat> {
  const hash = createHash('sha256');
  const sections: Record<string, unknown[]> = { missions: [] };
  let header: RegExpExecArray | null = null;
  let current: unknown[] = sections.missions!;
  let digest: string | undefined;
  let lastHadComma = false;
  let lastLine = 0;
  for await (const { line, number, ended } of linesOf(handle, lineLimit)) {
    lastLine = number;
    const text = line.toString('utf8');
    if (digest !== undefined) return new NotLineFormat('more follows the digest line', number, 1);
    if (!ended) return new NotLineFormat('the file ends too early: it may have been truncated', number, text.length + 1);
    if (number === 1) {
      header = HEADER.exec(text);
      if (!header) return new NotLineFormat('the first line is not a header written by missions-mcp', 1, 1);
      continue;
    }
    const section = SECTION.exec(text);
    const trailer = section ? null : TRAILER.exec(text);
    if (section || trailer) {
      if (lastHadComma) return new NotLineFormat('a comma before the end of a list', number - 1, 1);
      if (trailer) digest = trailer[1]!;
      else {
        hash.update(line).update('\n');
        current = sections[section![1]!] = [];
      }
      continue;
    }
    hash.update(line).update('\n');
    if (current.length > 0 && !lastHadComma) return new NotLineFormat('expected a comma at the end of the line before', number - 1, 1);
    lastHadComma = text.endsWith(',');
    const json = lastHadComma ? text.slice(0, -1) : text;
    try {
      current.push(JSON.parse(json));
    } catch {
      const { offset, reason } = jsonFault(json);
      return new NotLineFormat(`it is not valid JSON (${reason})`, number, offset + 1);
    }
  }
  if (digest === undefined) return new NotLineFormat('the file ends too early, before its digest line: it may have been truncated', lastLine, 1);
  const raw = { version: Number(header![1]), seq: Number(header![2]), ...sections };
  const asWritten = hash.digest('hex') === digest;
  return documentFrom(raw, () => asWritten);
}

/** Reads and checks the snapshot open in `handle`, `size` bytes long. */
export async function readDocument(handle: FileHandle, size: number, limits: ReadLimits = {}): Promise<ParsedDocument> {
  const lines = await readLines(handle, limits.line ?? DEFAULT_READ_LIMIT);
  if (!(lines instanceof NotLineFormat)) return lines;
  if (size <= (limits.wholeFile ?? DEFAULT_READ_LIMIT)) {
    // Another layout, or a fault: read whole, which locates any fault exactly (character offset too).
    return parseDocument(await handle.readFile('utf8')); // positional reads above left the file position at 0
  }
  throw new DocumentFault(
    `it is ${mb(size)}, too large to read whole, and not in the one-mission-per-line layout missions-mcp writes (${lines.reason})`,
    `line ${lines.line}, column ${lines.column}`,
    `${FIX}; a file this large must keep one mission per line, as missions-mcp writes it`,
  );
}
