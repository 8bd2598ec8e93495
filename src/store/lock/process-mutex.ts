// One writer at a time within a process. Guarantees: writers run in the order they asked, each after
// the previous has finished, and a writer that fails (throws, rejects) never blocks the next.
import type { LockHold, WriteLock } from './write-lock.js';

/** Within a process nothing can take the lock away: the holding is always held. */
const HELD: LockHold = { assertHeld: () => undefined, keep: () => undefined };

/** Serialises writers in one process: each waits for the previous to finish, success or failure. */
export class ProcessMutex implements WriteLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: (hold: LockHold) => Promise<T>): Promise<T> {
    const go = () => fn(HELD);
    const result = this.tail.then(go, go);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
