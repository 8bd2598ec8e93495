// store_error messages: which file, what is wrong with it, and what to do (SPEC §7, §8).
import { MissionError } from '../errors.js';

export function storeError(path: string, what: string, advice: string, cause?: unknown): MissionError {
  return new MissionError('store_error', `Cannot use the mission store ${path}: ${what}. ${advice}.`, { cause });
}

/** A failed system call on a store file, with advice that fits its error code. */
export function storeIoError(path: string, what: string, error: unknown): MissionError {
  const e = error as NodeJS.ErrnoException;
  const advice =
    e.code === 'EACCES' || e.code === 'EPERM'
      ? 'Check the permissions of the file and its folder'
      : e.code === 'EISDIR'
        ? 'The path is a folder; point --store at a file'
        : e.code === 'ENOSPC'
          ? 'The disk is full; free some space and try again'
          : 'Check the path given by --store or MISSIONS_STORE';
  return storeError(path, `${what} (${e.code ?? e.message})`, `${advice}. Nothing was written`, error);
}
