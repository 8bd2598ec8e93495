// The JSON-file store engine: a snapshot (`missions.json`, read through lowdb's Low, which holds it, and
// written by our durable adapter; README "What lowdb does here") plus an append-only journal beside it.
//
// - A write appends one journal line per change and fdatasyncs it before the call is answered.
//   Writes queued in one process while another batch is on disk go together: one lock, one append,
//   one fdatasync for the whole batch (group commit). Each plan still sees the ones before it.
// - A read stats the snapshot and the journal. An unchanged store costs two stats; a store another
//   process appended to costs reading and applying only the new lines. Only when the journal is gone
//   or new is the snapshot stat'ed again, in case a compaction slipped in between the two.
// - When the journal outgrows the snapshot, it is folded into a new snapshot under the lock, after
//   the callers have been answered. The journal's lines carry sequence numbers; the snapshot records
//   the last one it holds, so a crash between writing the snapshot and removing the journal is harmless.
import { stderrLogger } from '../log.js';
import { Low } from 'lowdb';
import { MissionError, dottedPath } from '../errors.js';
import { Mission } from '../mission/model.js';
import { FORMAT_VERSION, emptyDocument, type StoreDocument } from './document.js';
import { DurableJsonFile } from './durable-json-file.js';
import type { ReadLimits } from './snapshot-reader.js';
import { assertMayRewrite, ownerOf } from './ownership.js';
import { outcomeUnknown, storeError, storeIoError } from './faults.js';
import { JournalFault, JournalFile, type JournalEntry, type Poll } from './journal.js';
import { FileLock, type FileLockOptions } from './lock/file-lock.js';
import { ProcessMutex } from './lock/process-mutex.js';
import type { LockHold } from './lock/write-lock.js';
import { MissionIndex, changeOf, isEmptyChange } from './mission-index.js';
import { RunIndex } from './run-index.js';
import { RunOutputs } from './run-outputs.js';
import type { RunRecord } from '../run/model.js';
import { indexQueries, writeViewOf } from './index-queries.js';
import type { MissionStore, Plan, StoreQueries, WritePlan } from './types.js';

/** On close, a process that wrote folds the journal into a snapshot smaller than this, so the file reads current. */
const COMPACT_ON_CLOSE_BELOW_BYTES = 1024 * 1024;
/** At most this many queued writes share one append. */
const MAX_BATCH = 256;

export interface JournalStoreOptions {
  lock?: FileLockOptions;
  /** Fold the journal into the snapshot once it is larger than this and than the snapshot (default 4 MiB). */
  compactAtBytes?: number;
  log?: (message: string) => void;
  /** How large a snapshot line, and a snapshot not written line by line, may be (tests lower them). */
  readLimits?: ReadLimits;
  /** Runs under the lock before each batch is planned: tests stall a holder here. */
  beforeCommit?: () => Promise<void>;
  /** Runs between reading the snapshot and reading the journal, outside the lock: tests compact here. */
  betweenReads?: () => Promise<void>;
}

/**
 * The last line of defence: a mission that would not pass the snapshot's own check is never written,
 * because every later load of the store would then fail. Reaching this is a bug (answered `internal`).
 */
function mustLoadBack(m: Mission): void {
  const checked = Mission.safeParse(m);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new Error(`refusing to store mission ${m.id}: it would not load back (${dottedPath(issue.path)}: ${issue.message})`);
  }
}

interface Pending {
  plan: Plan<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface JournalStoreStats {
  /** Times the snapshot was read and parsed. */
  snapshotLoads: number;
  /** Journal entries read that another process (or store instance) wrote. */
  entriesRead: number;
  /** Appends made (each one fdatasync), and the changes they carried. */
  appends: number;
  appended: number;
  compactions: number;
}

export interface JournalStore extends StoreQueries {}

export class JournalStore implements MissionStore {
  readonly location: string;
  readonly snapshot: DurableJsonFile;
  readonly journal: JournalFile;
  readonly outputs: RunOutputs;
  private readonly db: Low<StoreDocument>;
  private readonly lock: FileLock;
  /** Orders everything that touches the in-memory state in this process. */
  private readonly serial = new ProcessMutex();
  private readonly log: (message: string) => void;
  private index = new MissionIndex();
  private seq = 0;
  /** The snapshot the index was built from; another object means the snapshot changed on disk. */
  private base: StoreDocument | undefined;
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private readonly counters = { appends: 0, appended: 0, compactions: 0 };

  constructor(
    path: string,
    private readonly options: JournalStoreOptions = {},
  ) {
    this.location = path;
    this.log = options.log ?? stderrLogger();
    this.snapshot = new DurableJsonFile(path, options.readLimits, this.log);
    this.journal = new JournalFile(`${path}.journal`, () => ownerOf(path));
    this.outputs = new RunOutputs(path);
    this.db = new Low(this.snapshot, emptyDocument());
    this.lock = new FileLock(path, { log: this.log, ...options.lock });
    Object.assign(this, indexQueries(() => this.read()));
  }

  get stats(): JournalStoreStats {
    return { snapshotLoads: this.snapshot.loads, entriesRead: this.journal.entriesRead, ...this.counters };
  }

  /** The index, brought up to date with every acknowledged change (the queries ask it; tests too). */
  async read(): Promise<MissionIndex> {
    if (!(await this.refreshOutsideLock())) await this.lock.run(() => this.serial.run(() => this.refresh(true, false)));
    return this.index;
  }

  write<T>(plan: Plan<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ plan, resolve: resolve as (value: unknown) => void, reject });
      this.flushing ??= this.drainQueue();
    });
  }

  async readRunOutput(run: RunRecord): Promise<string> {
    try {
      return await this.outputs.read(run.id);
    } catch (error) {
      throw storeIoError(this.outputs.dir, `cannot read the output of run ${run.id}`, error);
    }
  }

  /** Folds the journal into a new snapshot now. */
  async compact(): Promise<void> {
    await this.refreshOutsideLock(); // a new snapshot is read before the lock, not under it
    await this.lock.run((hold) =>
      this.serial.run(async () => {
        await this.refresh(true);
        if (this.journal.exists) await this.writeSnapshot(hold);
      }),
    );
  }

  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    // Only a process that wrote folds on close: a reader (a --read-only server, a getMission from the
    // CLI) never rewrites the store.
    if (this.counters.appends > 0 && this.journal.size > 0 && this.snapshot.size < COMPACT_ON_CLOSE_BELOW_BYTES) {
      await this.compact().catch((error: unknown) => this.log(`could not fold the journal into ${this.location} on close: ${(error as Error).message}`));
    }
    this.lock.close(); // a lock kept after the last write is given back now
    await this.journal.close();
  }

  // --- reading ---------------------------------------------------------------------------------

  /**
   * Brings the index up to date without the lock. False when other processes' compactions kept
   * replacing the snapshot between our reading it and the journal (three times running, which a
   * process compacting every few milliseconds on a loaded machine can do): only a read under the lock,
   * where no compaction can run, can then tell a race from damage. Writers and compact() read under
   * the lock next anyway; read() takes it for that.
   */
  private async refreshOutsideLock(): Promise<boolean> {
    try {
      await this.serial.run(() => this.refresh(false));
      return true;
    } catch (error) {
      if (error instanceof RacedByCompactions) return false;
      throw error;
    }
  }

  /**
   * Brings the index up to date with the snapshot and journal on disk. Runs inside `serial`. Under the
   * lock, a gap that stays is damage, and a torn last line is cut off (unless `repair` is false: a
   * reader never rewrites the store).
   */
  private async refresh(locked: boolean, repair = locked): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const doc = await this.db.read().then(() => this.db.data);
      if (doc !== this.base) this.rebuild(doc);
      if (!locked) await this.options.betweenReads?.();
      const polled = await this.pollJournal();
      const gap = this.applyJournal(polled);
      if (gap === undefined) {
        // A compaction between reading the snapshot and the journal (new snapshot, journal removed,
        // perhaps a new one begun) would leave us with the old snapshot alone. A journal we kept
        // reading rules that out; otherwise, if the snapshot moved meanwhile, go round again.
        const journalMoved = polled.replaced || !this.journal.exists;
        if (!journalMoved || !this.snapshot.changedOnDisk() || attempt >= 5) break;
        continue;
      }
      // The journal skips entries this process never saw. Another process compacted between our
      // reading the snapshot and the journal: read both again. A gap that stays is damage.
      this.base = undefined;
      this.journal.rewind();
      if (attempt >= 3 && !locked) throw new RacedByCompactions();
      if (attempt >= 3) {
        throw storeError(
          this.journal.path,
          `the journal goes on from change ${gap} but the snapshot ${this.location} holds changes only up to ${this.seq}`,
          'The snapshot is older than its journal (restored from a backup?). Restore the matching snapshot, or move the journal away to keep only the snapshot. Nothing was written',
        );
      }
    }
    if (locked && repair) {
      const torn = await this.journal.repairTail().catch((error: unknown) => {
        throw storeIoError(this.journal.path, 'cannot repair its torn last line', error);
      });
      if (torn > 0) this.log(`removed a torn last line (${torn} bytes) from ${this.journal.path}: a writer stopped mid-append; nothing acknowledged was in it`);
    }
  }

  private rebuild(doc: StoreDocument): void {
    // What changed between the old index and this snapshot is unknown: watchers start afresh (change-log.ts).
    this.index = new MissionIndex(doc.missions, new RunIndex(doc.runs, doc.workers), this.index.log.successor());
    this.seq = doc.seq;
    this.base = doc;
    this.journal.rewind();
  }

  private async pollJournal(): Promise<Poll> {
    try {
      return await this.journal.poll();
    } catch (error) {
      if (error instanceof JournalFault) {
        throw storeError(
          this.journal.path,
          `its journal is damaged at line ${error.line}: ${error.message}`,
          'Fix or remove that line by hand, or move the journal away to keep only the snapshot (changes made since the last snapshot are then lost). Nothing was written',
        );
      }
      throw storeIoError(this.journal.path, 'cannot read its journal', error);
    }
  }

  /** Applies polled entries past `seq`; on a gap, returns the sequence number found instead of seq + 1. */
  private applyJournal(polled: Poll): number | undefined {
    if (polled.replaced && this.seq > this.base!.seq && !this.journal.exists) {
      // The journal is gone but we hold entries past the snapshot: someone removed it by hand.
      this.base = undefined;
      return this.seq + 1;
    }
    for (const entry of polled.entries) {
      if (entry.seq <= this.seq) continue;
      if (entry.seq !== this.seq + 1) return entry.seq;
      this.apply(entry);
    }
    return undefined;
  }

  private apply(entry: JournalEntry): void {
    this.index.apply(entry);
    this.seq = entry.seq;
  }

  // --- writing ---------------------------------------------------------------------------------

  private async drainQueue(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        await this.flush(batch);
        if (this.needsCompaction()) {
          await this.compact().catch((error: unknown) => this.log(`could not fold the journal into ${this.location}: ${(error as Error).message}`));
        }
      }
    } finally {
      this.flushing = undefined;
      if (this.queue.length > 0) this.flushing = this.drainQueue();
    }
  }

  private needsCompaction(): boolean {
    const at = this.options.compactAtBytes ?? 4 * 1024 * 1024;
    return this.journal.size > Math.max(at, this.snapshot.size);
  }

  private async flush(batch: Pending[]): Promise<void> {
    let outcomes: Outcome[] | undefined;
    try {
      // Whatever must be read whole (a new snapshot, after another process folded the journal) is read
      // before the lock is taken: under it, only the journal's tail. If the snapshot was replaced
      // again in between, let go and read it outside once more (twice at most; then read it under the lock).
      // While this process kept the lock since its last write, no other process can have written:
      // there is nothing to read first.
      for (let attempt = 1; outcomes === undefined; attempt++) {
        if (attempt > 1 || !this.lock.keeping) await this.refreshOutsideLock();
        outcomes = await this.lock.run((hold) =>
          this.serial.run(async () => {
            if (attempt < 3 && this.snapshot.changedOnDisk()) return undefined;
            return this.commit(batch, hold);
          }),
        );
      }
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    outcomes.forEach((o, i) => (o.ok ? batch[i]!.resolve(o.value) : batch[i]!.reject(o.error)));
  }

  /** Runs each plan against the state its predecessors left, then makes all changes durable at once. */
  private async commit(batch: Pending[], hold: LockHold): Promise<Outcome[]> {
    await this.options.beforeCommit?.();
    await this.refresh(true);
    const outcomes: Outcome[] = [];
    const entries: JournalEntry[] = [];
    const outputs = new Map<string, string>();
    const dropped: string[] = [];
    for (const p of batch) {
      let planned: WritePlan<unknown>;
      try {
        planned = await p.plan(writeViewOf(this.index));
        for (const m of planned.put ?? []) mustLoadBack(m);
      } catch (error) {
        outcomes.push({ ok: false, error });
        continue;
      }
      outcomes.push({ ok: true, value: planned.result });
      if (isEmptyChange(planned)) continue;
      const entry: JournalEntry = { seq: this.seq + 1, ...changeOf(planned) };
      for (const [id, text] of Object.entries(planned.outputs ?? {})) outputs.set(id, text);
      dropped.push(...(planned.removeRuns ?? []));
      this.apply(entry);
      entries.push(entry);
    }
    if (entries.length === 0) return outcomes;
    try {
      // Outputs first: an acknowledged run record always finds its output on disk.
      hold.assertHeld();
      assertMayRewrite(this.location, ownerOf(this.location));
      await this.outputs.write(outputs).catch((error: unknown) => {
        throw storeIoError(this.outputs.dir, 'cannot write run output', error);
      });
      if (!this.snapshot.exists || this.snapshot.migrationPending) await this.writeSnapshot(hold);
      else await this.appendDurably(entries, hold);
      hold.keep(); // more writes may follow: keep the lock for them unless another process asks
    } catch (error) {
      // The disk refused the batch, or part of it: forget the in-memory changes and read the files
      // again, which hold whatever did reach them (see JournalFile.append).
      this.base = undefined;
      this.journal.rewind();
      return outcomes.map((o) => (o.ok ? { ok: false, error } : o));
    }
    await this.outputs.remove(dropped);
    return outcomes;
  }

  private async appendDurably(entries: JournalEntry[], hold: LockHold): Promise<void> {
    try {
      await this.journal.append(entries, () => hold.assertHeld());
    } catch (error) {
      if (error instanceof MissionError) throw error; // the lock was lost: nothing was appended
      throw outcomeUnknown(this.journal.path, 'while saving this change to the journal', error);
    }
    this.counters.appends++;
    this.counters.appended += entries.length;
  }

  /** Writes every mission as the new snapshot, then removes the journal it now holds. */
  private async writeSnapshot(hold: LockHold): Promise<void> {
    const runs = this.index.runs;
    const doc: StoreDocument = { version: FORMAT_VERSION, seq: this.seq, missions: [...this.index.all()], runs: runs.all(), workers: [...runs.workers.values()] };
    await this.snapshot.write(doc, () => hold.assertHeld());
    this.db.data = doc;
    this.base = doc;
    this.counters.compactions++;
    try {
      await this.journal.remove();
    } catch (error) {
      // Harmless: every entry in it is at or below the snapshot's seq, so readers skip them.
      this.log(`could not remove ${this.journal.path} after writing a snapshot: ${(error as Error).message}`);
    }
  }
}

/** Other processes' compactions kept racing a read outside the lock (refreshOutsideLock). */
class RacedByCompactions extends Error {}
