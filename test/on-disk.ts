// An independent reader of the store's files, written from the format description in the README,
// not from the engine's code: what a person or another tool would find on disk after any crash.
// missions.json is the snapshot ({version, seq, missions}); missions.json.journal holds one JSON line
// per change ({seq, put?, remove?}); a last line without a newline is a torn append and is ignored.
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { waitFor } from './wait.js';

export interface StoredMission {
  id: string;
  title: string;
  [key: string]: unknown;
}

export interface OnDisk {
  version: number;
  /** Every mission after applying the journal, in the store's order. */
  missions: StoredMission[];
  /** The snapshot's own seq and the journal's complete lines. */
  snapshotSeq: number;
  journalLines: number;
  /** Bytes after the journal's last newline (a torn append). */
  tornBytes: number;
}

export function readOnDisk(file: string): OnDisk {
  const snapshot = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: number; seq?: number; missions: StoredMission[] }) : { version: 1, seq: 0, missions: [] };
  const byId = new Map(snapshot.missions.map((m) => [m.id, m]));
  let seq = snapshot.seq ?? 0;
  const journal = `${file}.journal`;
  let journalLines = 0;
  let tornBytes = 0;
  if (existsSync(journal)) {
    const text = readFileSync(journal, 'utf8');
    const lastNewline = text.lastIndexOf('\n');
    tornBytes = Buffer.byteLength(text.slice(lastNewline + 1));
    for (const line of text.slice(0, lastNewline + 1).split('\n').filter(Boolean)) {
      journalLines++;
      const entry = JSON.parse(line) as { seq: number; put?: StoredMission[]; remove?: string[] };
      if (entry.seq <= seq) continue;
      if (entry.seq !== seq + 1) throw new Error(`journal line ${journalLines}: seq ${entry.seq} does not follow ${seq}`);
      for (const id of entry.remove ?? []) byId.delete(id);
      for (const m of entry.put ?? []) byId.set(m.id, m);
      seq = entry.seq;
    }
  }
  return { version: snapshot.version, missions: [...byId.values()], snapshotSeq: snapshot.seq ?? 0, journalLines, tornBytes };
}

/**
 * A process keeps the store lock (`<file>.lock`) for up to 50 ms after a write, for its next write
 * (README "Many processes, one file"). Waits until it lets go, so that a listing of the folder shows
 * what stays; a lock that is never let go stays too, and the listing then shows it.
 */
export async function lockLetGo(file: string): Promise<void> {
  await waitFor(`${file}.lock to be let go`, () => !existsSync(`${file}.lock`), { timeoutMs: 1_000, everyMs: 10 }).catch(() => undefined);
}

/**
 * Holds the store's lock as an older missions-mcp did (proper-lockfile): a folder `<file>.lock` whose
 * mtime is refreshed every second, so that no one takes it over as stale. Returns its release.
 */
export function holdLockFolder(file: string): () => void {
  const path = `${file}.lock`;
  mkdirSync(path);
  const refresh = setInterval(() => {
    const now = new Date();
    try {
      utimesSync(path, now, now);
    } catch {
      clearInterval(refresh); // taken from us (the test then fails on what followed)
    }
  }, 1_000);
  return () => {
    clearInterval(refresh);
    rmSync(path, { recursive: true, force: true });
  };
}
