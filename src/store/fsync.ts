// fsync of a folder, so that a rename, create or unlink in it survives a power cut.
import { open } from 'node:fs/promises';

export async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return; // folders cannot be opened for fsync there
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
