// The recent mission changes of an in-memory store, for changesSince (resource watchers, listen
// streams): each change gets the next version, and a watcher asks for what came after the version it
// last saw. The log's versions are its own: two stores in one process count apart.
//
// A store that rebuilds its index (another process wrote a new snapshot) cannot tell which missions
// changed meanwhile: it goes on with `successor()`, a log whose versions start above every version this
// one gave out and which knows nothing before them, so a watcher holding an old version is told
// "everything may have changed" (changes: null) and never a list that misses a change.
import { lowerBound } from '../binary-search.js';
import type { Changes, MissionChange } from './types.js';

/** How many recent changes a log remembers (it forgets the oldest half past twice this). */
export const CHANGES_KEPT = 10_000;

export class ChangeLog {
  private current: number;
  /** Changes at or below this version are not known here (before this log began, or forgotten). */
  private forgotten: number;
  /** Recent changes, oldest first, each with the version it made. */
  private readonly changes: { version: number; change: MissionChange }[] = [];

  /** A log that knows nothing at or below `start` (0: a new store). */
  constructor(start = 0) {
    this.current = start;
    this.forgotten = start;
  }

  /** The version of the last change (the log's start when there is none). */
  get version(): number {
    return this.current;
  }

  /** One mission changed: the next version. */
  record(change: MissionChange): void {
    this.changes.push({ version: ++this.current, change });
    if (this.changes.length > CHANGES_KEPT * 2) this.forgotten = this.changes.splice(0, CHANGES_KEPT).pop()!.version;
  }

  /** The missions changed after `version`; null when this log cannot tell (forgotten, or not one of its versions). */
  since(version: number | undefined): Changes {
    if (version === undefined || version === this.current) return { version: this.current, changes: [] };
    if (version < this.forgotten || version > this.current) return { version: this.current, changes: null };
    const first = lowerBound(this.changes, version + 1, (c, v) => c.version - v);
    return { version: this.current, changes: this.changes.slice(first).map((c) => c.change) };
  }

  /** The log of a rebuilt index: it starts above every version this one gave out and knows none of them. */
  successor(): ChangeLog {
    return new ChangeLog(this.current + 1);
  }
}
