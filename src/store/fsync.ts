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

/**
 * The fdatasync after a journal append. While this disk's recent fdatasyncs took under INLINE_BELOW_MS,
 * it is done on the main thread: the call is answered as soon as the disk is done, instead of after a
 * trip through libuv's thread pool and the event loop's wake-up, which cost 0.1 ms on an idle machine
 * and more on a busy one; other sessions of the process wait no longer than that. Once the disk is
 * slower (a spinning disk, a busy one), through the thread pool, so that it holds up no one else.
 */
export class DataSync {
  /** Recent fdatasync times, smoothed (ms). */
  private typicalMs = 0;

  async run(handle: FileHandle): Promise<void> {
    const start = performance.now();
    if (this.typicalMs < INLINE_BELOW_MS) fdatasyncSync(handle.fd);
    else await handle.datasync();
    this.typicalMs += (performance.now() - start - this.typicalMs) / 4;
  }
}
