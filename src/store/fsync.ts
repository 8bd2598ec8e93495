// fsync of a folder, so that a rename, create or unlink in it survives a power cut; and the journal's
// fdatasync, on the main thread while the disk is fast.
import { fdatasyncSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

export async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return; // folders cannot be opened for fsync there
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** An fdatasync that took about this long or less is done on the main thread. */
const INLINE_BELOW_MS = 1;
/** This many slower ones in a row send the next ones through the thread pool. */
const SLOW_IN_A_ROW = 3;

/**
 * The fdatasync after a journal append. While this disk answers within INLINE_BELOW_MS, it is done on
 * the main thread: the call is answered as soon as the disk is done, instead of after a trip through
 * libuv's thread pool and the event loop's wake-up, which cost 0.1 ms on an idle machine and more on
 * a busy one; other sessions of the process wait no longer than that. Once the disk is slower (a
 * spinning disk, a busy one: SLOW_IN_A_ROW slow answers in a row), through the thread pool, so that
 * it holds up no one else; back on the main thread after a fast answer.
 */
export class DataSync {
  private slowInARow = 0;

  /** `inline` and `clock` are the real ones but for tests, which stand in for a slow disk. */
  constructor(
    private readonly inline: (fd: number) => void = fdatasyncSync,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  async run(handle: Pick<FileHandle, 'fd' | 'datasync'>): Promise<void> {
    const start = this.clock();
    if (this.slowInARow < SLOW_IN_A_ROW) this.inline(handle.fd);
    else await handle.datasync();
    if (this.clock() - start < INLINE_BELOW_MS) this.slowInARow = 0;
    else this.slowInARow++;
  }
}
