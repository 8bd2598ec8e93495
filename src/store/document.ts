// The store file's format: `{ "version": 3, "seq": 42, "missions": [ … ], "runs": [ … ], "workers": [ … ],
// "digest": "…" }`, one mission (or run record, or worker) per line. `seq` is the last journal entry folded into this snapshot (0, or absent, when
// there was none). `digest` is the SHA-256 of the lines after the header as written: a file that still matches
// it is exactly what missions-mcp validated and wrote, so loading it skips validating each mission
// again (the largest part of a cold start). Any edit by hand changes the lines, and the file is then
// validated mission by mission as before; a file without a digest is always validated. Parsing reports where a fault is;
// a newer version is refused; an older one is migrated (the caller writes a backup first).
import { createHash } from 'node:crypto';
import { ParseErrorCode, parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { z } from 'zod';
import { dottedPath } from '../errors.js';
import { Mission } from '../mission/model.js';
import { RunRecord, WorkerRecord } from '../run/model.js';
import { Canonicaliser } from './canonical.js';

/**
 * 2: the snapshot + journal engine. A file at 2 makes a build that knows only 1 (the whole-file
 * engine, which would ignore the journal and write over it) refuse the store instead of damaging it.
 */
/** 3: run records and worker heartbeats beside the missions (SPEC §12). */
export const FORMAT_VERSION = 3;

export interface StoreDocument {
  version: number;
  /** The last journal entry this snapshot includes. */
  seq: number;
  missions: Mission[];
  runs: RunRecord[];
  workers: WorkerRecord[];
}

export const emptyDocument = (): StoreDocument => ({ version: FORMAT_VERSION, seq: 0, missions: [], runs: [], workers: [] });

/** Why a file cannot be used; `where` says where in the file the fault is. */
export class DocumentFault extends Error {
  constructor(
    message: string,
    readonly where: string,
    readonly advice: string,
  ) {
    super(message);
  }
}

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

export const FIX = 'Fix the file by hand, restore it from a backup, or move it away to start a new empty store';

/** Where JSON.parse failed and why. V8 on Node 20 often gives no position, so jsonc-parser (strict
 * mode, no comments or trailing commas) locates the first fault; it runs only after a failed parse. */
export function jsonFault(text: string): { offset: number; reason: string } {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return { offset: text.length, reason: 'unexpected content' };
  if (first.error === ParseErrorCode.UnexpectedEndOfString || first.offset >= text.trimEnd().length) {
    return { offset: text.length, reason: 'the file ends too early, inside a value: it may have been truncated' };
  }
  return { offset: first.offset, reason: printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() };
}

function parseJson(text: string): unknown {
  if (text.trim().length === 0) throw new DocumentFault('the file is empty', `byte 0 of ${Buffer.byteLength(text)}`, FIX);
  try {
    return JSON.parse(text);
  } catch {
    const { offset, reason } = jsonFault(text);
    const { line, column } = lineColumn(text, offset);
    throw new DocumentFault(`it is not valid JSON (${reason})`, `line ${line}, column ${column} (character ${offset})`, FIX);
  }
}

/** Versions before 1 had no `version` field; missions had the same shape minus later defaults.
 * Version 1 was written by the whole-file engine, which kept no journal. */
const MIGRATIONS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {
  0: (doc) => ({ ...doc, version: 1 }),
  1: (doc) => ({ ...doc, version: 2, seq: 0 }), // a version-1 file has no journal
  2: (doc) => ({ ...doc, version: 3, runs: [], workers: [] }), // missions gain origin and queuedRun (model defaults)
};

export interface ParsedDocument {
  document: StoreDocument;
  /** The version found in the file, when it was older and has been migrated in memory. */
  migratedFrom?: number;
}

export function parseDocument(text: string): ParsedDocument {
  return documentFrom(parseJson(text), (found) => found === FORMAT_VERSION && writtenAsIs(text));
}

/**
 * The document in a parsed file: version checks, migrations, and (unless `asWritten` says the lines
 * are those its digest was made from, or were checked as they were read) a check of every mission,
 * run and worker against the model. The missions come out sharing what they can (canonical.ts), unless
 * `options.canonical` says they already do (and they were not checked again here).
 */
export function documentFrom(raw: unknown, asWritten: (foundVersion: number) => boolean, options: { canonical?: boolean } = {}): ParsedDocument {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new DocumentFault('its top level is not an object with "version" and "missions"', 'the top level', FIX);
  }
  let doc = raw as Record<string, unknown>;
  const found = doc.version === undefined ? 0 : doc.version;
  if (typeof found !== 'number' || !Number.isInteger(found) || found < 0) {
    throw new DocumentFault(`"version" is ${JSON.stringify(doc.version)}, not a format version number`, 'the "version" field', FIX);
  }
  if (found > FORMAT_VERSION) {
    throw new DocumentFault(
      `it was written by a newer missions-mcp (format version ${found}; this one reads up to ${FORMAT_VERSION})`,
      'the "version" field',
      'Upgrade missions-mcp, or point --store at another file. The file was left as it is',
    );
  }
  for (let v = found; v < FORMAT_VERSION; v++) doc = MIGRATIONS[v]!(doc);
  if (!Array.isArray(doc.missions)) throw new DocumentFault('"missions" is not an array', 'the "missions" field', FIX);
  const seq = doc.seq ?? 0;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
    throw new DocumentFault(`"seq" is ${JSON.stringify(doc.seq)}, not a journal sequence number`, 'the "seq" field', FIX);
  }
  if (!Array.isArray(doc.runs)) throw new DocumentFault('"runs" is not an array', 'the "runs" field', FIX);
  if (!Array.isArray(doc.workers)) throw new DocumentFault('"workers" is not an array', 'the "workers" field', FIX);
  let missions: Mission[];
  let runs: RunRecord[];
  let workers: WorkerRecord[];
  const trusted = asWritten(found);
  if (trusted) {
    missions = doc.missions as Mission[];
    runs = doc.runs as RunRecord[];
    workers = doc.workers as WorkerRecord[];
  } else {
    missions = validated(z.array(Mission), doc.missions, 'missions', 'a mission');
    runs = validated(z.array(RunRecord), doc.runs, 'runs', 'a run record');
    workers = validated(z.array(WorkerRecord), doc.workers, 'workers', 'a worker record');
  }
  const ids = new Set<string>();
  const canonical = options.canonical && trusted ? undefined : new Canonicaliser(); // checking made new objects
  missions.forEach((m, i) => {
    if (ids.has(m.id)) throw new DocumentFault(`mission id "${m.id}" appears twice`, `missions.${i}.id`, FIX);
    ids.add(m.id);
    if (canonical) missions[i] = canonical.mission(m);
  });
  const runIds = new Set<string>();
  runs.forEach((r, i) => {
    if (runIds.has(r.id)) throw new DocumentFault(`run id "${r.id}" appears twice`, `runs.${i}.id`, FIX);
    runIds.add(r.id);
  });
  const result: ParsedDocument = { document: { version: FORMAT_VERSION, seq, missions, runs, workers } };
  if (found < FORMAT_VERSION) result.migratedFrom = found;
  return result;
}

function validated<T>(schema: z.ZodType<T[]>, value: unknown, field: string, what: string): T[] {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new DocumentFault(`${what} does not match the format (${issue.message})`, `${field}.${dottedPath(issue.path)}`, FIX);
}

export const HEADER_END = '"missions": [\n';
/** A chunk of the file being written is cut once it passes this many characters: small enough to be
 * garbage in V8's young generation (large strings go straight to the old heap, which then stays grown). */
const CHUNK_CHARS = 32 * 1024;
const TRAILER = /\], "digest": "([0-9a-f]{64})"\}\n?$/;

/** True when the lines after the header are byte for byte those its digest was made from. */
function writtenAsIs(text: string): boolean {
  const trailer = TRAILER.exec(text.slice(-100));
  const headerEnd = text.indexOf(HEADER_END);
  if (!trailer || headerEnd < 0 || headerEnd > 200) return false;
  const body = text.slice(headerEnd + HEADER_END.length, text.length - trailer[0].length);
  return createHash('sha256').update(body, 'utf8').digest('hex') === trailer[1];
}

/** `items` as lines, at most `per` (and about 32 K characters) to a chunk: each line ends with ",\n", the last with "\n". */
function* lines(items: readonly unknown[], per: number): Generator<string> {
  let chunk = '';
  let count = 0;
  for (let j = 0; j < items.length; j++) {
    chunk += `${JSON.stringify(items[j])}${j === items.length - 1 ? '\n' : ',\n'}`;
    if (++count >= per || chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
      count = 0;
    }
  }
  if (chunk !== '') yield chunk;
}

/**
 * The file's text in chunks (a large store is never one giant string): the header, one mission, run
 * record or worker per line so the file stays readable and diffable at any size, and the digest of
 * everything between the header and the digest.
 */
export function* serializeDocument(doc: StoreDocument, perChunk = 500): Generator<string> {
  yield `{"version": ${doc.version}, "seq": ${doc.seq}, ${HEADER_END}`;
  const hash = createHash('sha256');
  const body = function* () {
    yield* lines(doc.missions, perChunk);
    yield '], "runs": [\n';
    yield* lines(doc.runs, perChunk);
    yield '], "workers": [\n';
    yield* lines(doc.workers, perChunk);
  };
  for (const chunk of body()) {
    hash.update(chunk, 'utf8');
    yield chunk;
  }
  yield `], "digest": "${hash.digest('hex')}"}\n`;
}
