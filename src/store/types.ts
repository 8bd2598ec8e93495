// The store contract every engine serves (SPEC §8, §13). Callers ask the store questions — one
// mission, one page, the due work, the changes since a version — and never hold every mission: the
// file and memory stores answer from their in-memory indexes, PostgreSQL with SQL.
//
// A write is a plan: it reads the missions and runs it touches through a WriteView (the current,
// locked state of those rows) and returns what to put and remove; the store applies it durably, in
// one transaction, or not at all.
//
// What an engine must do, beyond the signatures:
// - Run a plan as often as it needs to, and keep only the last run. PostgreSQL runs a plan again from
//   the start when its transaction loses a serialization race or a deadlock (postgres/store.ts,
//   RETRYABLE), so a plan is a pure function of what its view answers: it may compute values of its
//   own (the clock, a new id: taken afresh on each run), but changes nothing outside what it returns
//   (no I/O, no outer variables, no messages), and what the last run returns is what happened. A plan
//   that throws writes nothing, on every run.
// - Page alike, through the same helpers, so that a page, its total and its cursor are the same on
//   every engine: read a listMissions question with `pageRequest` and answer with `pageOf`
//   (src/mission/query.ts), a listRuns question with `runPageRequest` and `runPageOf` (src/run/query.ts):
//   they apply the defaults, decode the cursor and refuse one made for other filters, sort or order,
//   and make the next cursor. An engine that holds the data in memory calls `listPage` and
//   `listRunsPage`, which use them. Orders: missions ascending (key, id) with null keys last in both
//   directions (`keyOf`, `compare`), runs `newerFirst`; `total` counts every match the caller may see.
// - Answer each question with every change acknowledged so far, by any process (StoreQueries).
import type { Identity } from '../mission/access.js';
import type { StoreChange } from './change.js';
import type { Mission, Owner, Visibility } from '../mission/model.js';
import type { MissionQuery, Page } from '../mission/query.js';
import type { DueOrder } from '../run/fair.js';
import type { RunRecord, WorkerRecord } from '../run/model.js';
import type { RunPage, RunQuery } from '../run/query.js';

/** Who could see a mission before and after a change: enough to tell a watcher whether its list changed. */
export interface Acl {
  owner: Owner;
  visibility: Visibility;
}

/** One mission changed at `version`: `before` null when it was created, `after` null when it was deleted. */
export interface MissionChange {
  id: string;
  before: Acl | null;
  after: Acl | null;
}

export interface Changes {
  /** Pass this to the next changesSince. */
  version: number;
  /** The missions changed since the version asked about, or null when the store no longer knows (treat everything as changed). */
  changes: MissionChange[] | null;
}

/** The state a write plan decides on. In PostgreSQL, what it reads is locked until the write ends. */
export interface WriteView {
  get(id: string): Promise<Mission | undefined>;
  /** As get, but undefined at once when another writer holds the mission (a claim in progress elsewhere). */
  getUnlessBusy(id: string): Promise<Mission | undefined>;
  getRun(id: string): Promise<RunRecord | undefined>;
  /** One mission's runs (without output), oldest first. */
  runsOf(missionId: string): Promise<readonly RunRecord[]>;
  /** Runs that have not ended: `running`, or `awaiting_approval` (a request waiting for a person or a worker). */
  activeRuns(): Promise<readonly RunRecord[]>;
  workers(): Promise<readonly WorkerRecord[]>;
  /** How many missions this owner (user and org) has. */
  ownedBy(owner: Owner): Promise<number>;
}

/** The questions any caller may ask; each answer includes every change acknowledged so far, by any process. */
export interface StoreQueries extends WriteView {
  /** One page of listMissions for `who` (same filters, order and cursor on every store). */
  list(query: MissionQuery, who: Identity, now: Date): Promise<Page>;
  /**
   * Missions due at `now` (SPEC §12), at most `limit`: soonest nextRun first; or, with `order`, round
   * robin over their owners after `order.after`, of `order.only`'s tenant (src/run/fair.ts). Never those
   * whose approval request waits for a person (SPEC §15): that is not work for a worker.
   */
  due(now: Date, limit: number, order?: DueOrder): Promise<Mission[]>;
  /** One page of listRuns over the runs of missions `who` may see. */
  listRuns(query: RunQuery, who: Identity): Promise<RunPage>;
  /** The missions changed after `version` (undefined: none yet; just the current version). */
  changesSince(version: number | undefined): Promise<Changes>;
  /** How much the store holds, for the line that describes it. */
  counts(): Promise<{ missions: number; runs: number }>;
}

/** What a write plan returns: a store change (change.ts, declared once), the outputs of runs it records, and its result. */
export type WritePlan<T> = StoreChange & {
  /** A run's output, by run id (its record goes in `runs`). */
  outputs?: Record<string, string>;
  result: T;
};

/** A write's decision over the current state; it may be run more than once for one write (see above). */
export type Plan<T> = (view: WriteView) => WritePlan<T> | Promise<WritePlan<T>>;

export interface MissionStore extends StoreQueries {
  /** Where the data lives, for messages and logs (never with a password). */
  readonly location: string;
  /** How a child process (an agent) reaches this store; may hold a password, so never logged. Else `location`. */
  readonly address?: string;
  /**
   * Runs `plan` against the current state while holding the write lock (or inside one transaction)
   * and resolves once its changes are durable. If `plan` throws, nothing is written and the error
   * propagates. The plan may be run again from the start (a PostgreSQL serialization retry).
   */
  write<T>(plan: Plan<T>): Promise<T>;
  /** The output kept for a run ('' when it has none or it is gone). */
  readRunOutput(run: RunRecord): Promise<string>;
  /** Calls `listener` soon after any process changes missions (a hint to ask changesSince); returns an unsubscribe. */
  onChange?(listener: () => void): () => void;
  /** A short health line, e.g. for /healthz; throws when the store cannot be reached. */
  health?(): Promise<{ ok: boolean; detail: string }>;
  /** Finishes queued writes and releases what the store holds open. The store may be used again. */
  close(): Promise<void>;
}
