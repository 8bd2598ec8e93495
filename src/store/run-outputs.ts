// Run outputs beside the JSON-file store: `<store>.runs/<runId>.out`, one file per run, written
// durably (temp file, fsync, rename, folder fsync) before the journal line that refers to it, so an
// acknowledged run's output is on disk. Removed when the run record is dropped; a file left by a
// crash in between is harmless (no record points at it) and is removed with the next sweep.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { syncFolder } from './fsync.js';

export class RunOutputs {
  readonly dir: string;

  constructor(storePath: string) {
    this.dir = `${storePath}.runs`;
  }

  private file(runId: string): string {
    return join(this.dir, `${runId}.out`);
  }

  async write(outputs: ReadonlyMap<string, string>): Promise<void> {
    if (outputs.size === 0) return;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    for (const [runId, text] of outputs) {
      const temp = join(this.dir, `.${runId}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
      try {
        const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
        try {
          await handle.write(text, null, 'utf8');
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temp, this.file(runId));
      } catch (error) {
        await unlink(temp).catch(() => undefined);
        throw error;
      }
    }
    await syncFolder(this.dir);
  }

  async read(runId: string): Promise<string> {
    try {
      return await readFile(this.file(runId), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw error;
    }
  }

  /** Best effort: a file that stays behind is only disk space. */
  async remove(runIds: readonly string[]): Promise<void> {
    for (const id of runIds) await unlink(this.file(id)).catch(() => undefined);
  }

  /** Removes output files that no run record names (left by a crash, or by a dropped record). */
  async sweep(known: (runId: string) => boolean): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      const id = name.endsWith('.out') ? name.slice(0, -4) : undefined;
      if (id && !known(id)) {
        await unlink(join(this.dir, name)).catch(() => undefined);
        removed++;
      }
    }
    return removed;
  }
}
