// The store contract every engine serves (SPEC §8). Handlers never mutate what they read: a write
// is a plan — missions to put, ids to remove, and the result to hand back — that the store applies
// durably, under its lock, against a fresh view, or not at all.
import type { Mission, Owner } from '../mission/model.js';
import type { SortedMissions } from '../mission/query.js';
import type { RunRecord, WorkerRecord } from '../run/model.js';
import type { RunView } from './run-index.js';

/**
 * What a store holds at one moment. A view is live: use it synchronously after `read()` resolves
 * (before the next await), as every tool does; it changes as the store applies later writes.
 */
export interface MissionView extends SortedMissions {
  get(id: string): Mission | undefined;
  /** Every mission, oldest first. */
  all(): readonly Mission[];
  readonly size: number;
  /** How many missions this owner (user and org) has. */
  ownedBy(owner: Owner): number;
  /** Changes whenever the missions change; never the same for two different states of a store. */
  readonly version: number;
  /** Run records (without output) and worker heartbeats. */
  readonly runs: RunView;
}

export interface WritePlan<T> {
  put?: Mission[];
  remove?: string[];
  /** Run records to add or replace; a run's output, when it has one, goes in `outputs` by run id. */
  runs?: RunRecord[];
  outputs?: Record<string, string>;
  removeRuns?: string[];
  workers?: WorkerRecord[];
  removeWorkers?: string[];
  result: T;
}

export interface MissionStore {
  /** Where the data lives, for messages and logs. */
  readonly location: string;
  /** A view that includes every change acknowledged so far, by any process. */
  read(): Promise<MissionView>;
  /**
   * Runs `plan` against a fresh view while holding the write lock and resolves once its changes are
   * durable. If `plan` throws, nothing is written and the error propagates.
   */
  write<T>(plan: (view: MissionView) => WritePlan<T>): Promise<T>;
  /** The output kept for a run ('' when it has none or it is gone). */
  readRunOutput(run: RunRecord): Promise<string>;
  /** Finishes queued writes and releases what the store holds open. The store may be used again. */
  close(): Promise<void>;
}
