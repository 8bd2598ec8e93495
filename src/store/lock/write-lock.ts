// What every write lock of the store offers (src/store/lock/): `run` gives a writer the lock for the
// length of its function, one writer at a time, and a holding the writer asks before it writes.
//
// The parts, each with what it guarantees:
//   process-mutex.ts  one writer at a time within a process
//   file-lock.ts      one writer at a time across the processes that share a store file
//   hold.ts           one holding of the lock file: it knows, before each write, whether it is still ours
//   stale.ts          a lock whose holder died is taken over, and never a fresh one by mistake
//   handover.ts       a lock kept between writes is given up as soon as another process asks for it

export interface WriteLock {
  run<T>(fn: (hold: LockHold) => Promise<T>): Promise<T>;
}

/** What a holder asks before each write: is the lock still mine? */
export interface LockHold {
  /** Throws store_error when the lock was lost (taken over after a stall, or removed): write nothing then. */
  assertHeld(): void;
  /** This holding wrote: keep the lock for the next write unless another process asks (FileLock). */
  keep(): void;
}
