// Taking over a lock whose holder died (kill -9) or froze. Guarantees:
// - a lock is judged stale only when its mtime was not refreshed within the stale window (a live
//   holder refreshes it every second, hold.ts), and a frozen holder finds out before it writes;
// - two processes may judge the same lock stale at once: the lock is moved aside (an atomic rename)
//   and removed only if it is the very file judged stale (same inode), else put back, so that one
//   process never removes the fresh lock another has just taken;
// - a lock folder left by an older missions-mcp (proper-lockfile) is honoured the same way.
import { randomBytes } from 'node:crypto';
import { linkSync, renameSync, rmdirSync, statSync, unlinkSync, type BigIntStats } from 'node:fs';

/**
 * Removes the lock at `lockPath` if it was not refreshed within `staleMs`, and says so in `log`.
 * Returns true when the path may be free now (taken over, or gone), false while it is held.
 */
export function removeIfStale(lockPath: string, staleMs: number, log: (message: string) => void): boolean {
  let seen: BigIntStats;
  try {
    seen = statSync(lockPath, { bigint: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  const age = Date.now() - Number(seen.mtimeMs);
  if (age <= staleMs) return false;
  const tookOver = () => log(`took over the store lock ${lockPath}: not refreshed for ${(age / 1000).toFixed(1)} s (its process was killed or froze)`);
  if (seen.isDirectory()) {
    // A lock folder of an older missions-mcp (proper-lockfile), which takes stale folders over the same way.
    try {
      rmdirSync(lockPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTEMPTY') throw error;
    }
    tookOver();
    return true;
  }
  const aside = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    renameSync(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  const moved = statSync(aside, { bigint: true });
  if (moved.ino !== seen.ino || moved.dev !== seen.dev) {
    // Another process took the stale lock over between our stat and our rename: give its lock back
    // (a link never replaces; if a third process took the path meanwhile, that holder keeps it and
    // the one we moved finds out before it writes).
    try {
      linkSync(aside, lockPath);
    } catch {
      // see above
    }
    unlinkSync(aside);
    return false;
  }
  unlinkSync(aside);
  tookOver();
  return true;
}
