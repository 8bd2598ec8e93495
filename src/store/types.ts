// The store contract every engine serves (SPEC §8). Handlers never mutate what they read: a write
// is a plan — missions to put, ids to remove, and the result to hand back — that the store applies
// durably, under its lock, against a fresh view, or not at all.
import type { Mission } from '../mission/model.js';

export interface MissionView {
  get(id: string): Mission | undefined;
  /** Every mission, oldest first. */
  all(): readonly Mission[];
}

export interface WritePlan<T> {
  put?: Mission[];
  remove?: string[];
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
}
