// store_error messages: which file, what is wrong with it, and what to do (SPEC §7, §8).
import { MissionError } from '../errors.js';

export function storeError(path: string, what: string, advice: string, cause?: unknown): MissionError {
  return new MissionError('store_error', `Cannot use the mission store ${path}: ${what}. ${advice}.`, { cause });
}

/**
 * The disk failed after a change may already have reached it (a flush, or the fsync after a rename):
 * the caller must not be told "nothing was written", or a retried create would be a duplicate.
 */
export function outcomeUnknown(path: string, what: string, cause: unknown): MissionError {
  const code = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
  return storeError(
    path,
    `the disk reported an error (${code}) ${what}`,
    'The change may or may not have been saved: check with getMission or listMissions before trying again, and check the disk (space, health)',
    cause,
  );
}

/** A failed system call on a store file, with advice that fits its error code. */
export function storeIoError(path: string, what: string, error: unknown): MissionError {
  const e = error as NodeJS.ErrnoException;
  const advice =
    e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS'
      ? `Permission denied${e.code === 'EROFS' ? ' (a read-only file system)' : ''}: give the user running missions-mcp the right to read and write the file and its folder, or point --store at a file it may write`
      : e.code === 'EISDIR'
        ? 'The path is a folder; point --store at a file'
        : e.code === 'ENOSPC'
          ? 'The disk is full; free some space and try again'
          : 'Check the path given by --store or MISSIONS_STORE';
  return storeError(path, `${what} (${e.code ?? e.message})`, `${advice}. Nothing was written`, error);
}
