// Keeping the lock between writes, and handing it over on request. Taking a free lock costs an open and
// an unlink, and even a file created and removed at every write adds to the fdatasync that follows (the
// file system's own journal commits those changes with the append): so a process keeps the lock after
// a write that appended, while no other process asks for it, for up to KEEP_MS, and a burst of writes
// takes it once. Guarantees:
// - a process that wants the lock asks by creating `<store>.lock.want`; the keeper looks for that file
//   at the end of each write and every WANT_POLL_MS while it keeps the lock idle, and gives the lock up;
// - having given it up because another asked, this process lets that one take it first (YIELD_MS at
//   most), so that processes writing at once take turns instead of one keeping it for every write;
// - a kept lock is used again only while it is still ours and fresh (Hold.fresh), and never after close.
import { closeSync, constants, openSync, statSync, unlinkSync } from 'node:fs';
import type { Hold } from './hold.js';

/** How long a process keeps the lock after its last write when no other process asks for it. */
export const KEEP_MS = 50;
/** How often a process that keeps the lock idle looks for another process asking for it. */
const WANT_POLL_MS = 2;
/** A process that gave the lock up because another asked waits this long at most for that one to take it. */
const YIELD_MS = 50;

export class Handover {
  /** The lock, kept after a write; undefined while a write uses it, and when not held. */
  private kept: Hold | undefined;
  private keptSince = 0;
  private keepTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Until then, while the request it answered is pending, this process lets the asker go first. */
  private yieldUntil = 0;

  constructor(
    /** Where a process that waits for the lock asks its holder to give it up. */
    readonly wantPath: string,
    private readonly keepMs = KEEP_MS,
  ) {}

  /** True while this process keeps the lock after a write: no other process has written since. */
  get keeping(): boolean {
    return this.kept !== undefined;
  }

  /** Gives back a lock kept after the last write, and keeps none from now on. */
  close(): void {
    this.closed = true;
    this.releaseKept();
  }

  /** The lock kept after the last write, if it is still ours and fresh; else gives it up. */
  reuse(): Hold | undefined {
    const hold = this.kept;
    if (hold === undefined) return undefined;
    this.kept = undefined;
    if (hold.fresh()) return hold;
    hold.release();
    return undefined;
  }

  /** After a write that succeeded: give the lock up if another process asked, else keep it if the write asked to. */
  afterWrite(hold: Hold): void {
    if (this.wanted()) {
      this.giveUp(hold);
      return;
    }
    if (this.closed || !hold.usable() || !hold.keeping) {
      hold.release();
      return;
    }
    hold.keeping = false; // the next write says again whether it is worth keeping
    this.kept = hold;
    this.keptSince = Date.now();
    if (this.keepTimer === undefined) {
      this.keepTimer = setTimeout(() => this.watchKept(), WANT_POLL_MS);
      this.keepTimer.unref();
    } else this.keepTimer.refresh();
  }

  /** True while this process, having just given the lock up on request, should let the asker take it first. */
  yielding(): boolean {
    return Date.now() < this.yieldUntil;
  }

  /** Another process holds the lock: from here on the request is ours; ask its holder to give it up
   * (best effort: without it, the holder lets go after KEEP_MS). */
  ask(): void {
    this.yieldUntil = 0;
    try {
      if (statSync(this.wantPath, { throwIfNoEntry: false }) === undefined) closeSync(openSync(this.wantPath, constants.O_WRONLY | constants.O_CREAT, 0o600));
    } catch {
      // see above
    }
  }

  /** The lock is ours: the request (ours, or one left by a waiter that died) is answered. Waiters that
   * still wait create it again at their next look, and we give the lock up after this write. */
  answered(): void {
    try {
      if (statSync(this.wantPath, { throwIfNoEntry: false }) !== undefined) unlinkSync(this.wantPath);
    } catch {
      // harmless: we give the lock up after each write while it is there
    }
  }

  /** While the lock is kept idle: give it up when another process asks, or after keepMs. */
  private watchKept(): void {
    const hold = this.kept;
    if (hold === undefined) return; // a write is using it: it decides at its end
    if (this.wanted()) {
      this.kept = undefined;
      this.giveUp(hold);
    } else if (Date.now() - this.keptSince >= this.keepMs) this.releaseKept();
    else this.keepTimer!.refresh();
  }

  /** Another process asked: let go, and let it take the lock before this process takes it again. */
  private giveUp(hold: Hold): void {
    hold.release();
    this.yieldUntil = Date.now() + YIELD_MS;
  }

  private releaseKept(): void {
    const hold = this.kept;
    this.kept = undefined;
    hold?.release();
  }

  private wanted(): boolean {
    try {
      return statSync(this.wantPath, { throwIfNoEntry: false }) !== undefined;
    } catch {
      return true; // cannot tell: give the lock up, as before there was keeping
    }
  }
}
