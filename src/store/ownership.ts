// Who owns the store's files (issue 9: a 0644 store owned by another user was replaced on write by a
// 0600 file owned by the writer). A rewrite keeps the file's mode; run as root, it also keeps the
// file's owner and group, and files it creates beside it (the journal) get them too. A process that is
// not root cannot give a file away, so it refuses to write a store another user owns.
import { statSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { storeError } from './faults.js';

export interface FileOwner {
  mode: number;
  uid: number;
  gid: number;
}

const isRoot = () => process.getuid?.() === 0;

/** The owner and mode of `path`, or undefined when it does not exist. */
export function ownerOf(path: string): FileOwner | undefined {
  try {
    const st = statSync(path);
    return { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
  } catch {
    return undefined;
  }
}

/** Refuses (store_error) to write a store that another user owns, unless this process is root. */
export function assertMayRewrite(path: string, owner: FileOwner | undefined): void {
  const me = process.getuid?.();
  if (owner === undefined || me === undefined || me === 0 || owner.uid === me) return;
  throw storeError(
    path,
    `permission: it belongs to user id ${owner.uid} and this process runs as user id ${me}; writing would take it from its owner`,
    'Run missions-mcp as the user who owns the store (or as root, which keeps the owner), or give the store to this user with chown. Nothing was written',
  );
}

/** Gives a file this process just created the mode (and, as root, the owner) of `like`. */
export async function matchOwner(handle: FileHandle, like: FileOwner | undefined, modeMask = 0o7777): Promise<void> {
  if (like === undefined) return;
  await handle.chmod(like.mode & modeMask);
  if (isRoot() && (like.uid !== 0 || like.gid !== 0)) await handle.chown(like.uid, like.gid);
}
