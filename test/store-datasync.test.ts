// The journal's fdatasync (src/store/fsync.ts): on the main thread while the disk answers within a
// millisecond, through the thread pool once it is slower three times in a row (so that a slow disk
// holds up no other session), and back on the main thread after a fast answer. A real file's
// fdatasync runs too; the clock stands in for a disk whose speed the test chooses.
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataSync } from '../src/store/fsync.js';
import { tempDir } from './helpers.js';

const tmp = tempDir('missions-datasync-');
afterAll(() => tmp.cleanup());

describe('journal fdatasync: main thread while fast, thread pool while slow', () => {
  it('moves to the thread pool after three slow answers and back after a fast one', async () => {
    const handle = await open(join(tmp.dir, 'journal'), 'a');
    try {
      let now = 0;
      let diskMs = 0;
      const ways: string[] = [];
      const sync = new DataSync(
        (fd) => {
          expect(fd).toBe(handle.fd);
          ways.push('inline');
          now += diskMs;
        },
        () => now,
      );
      const pooled = {
        fd: handle.fd,
        datasync: async () => {
          ways.push('pool');
          await handle.datasync();
          now += diskMs;
        },
      };
      const run = async (ms: number) => {
        diskMs = ms;
        await sync.run(pooled);
      };
      await run(0.2); // fast: inline
      await run(5); // slow once, twice, three times: still inline until then
      await run(5);
      await run(5);
      await run(5); // now through the pool
      await run(5);
      await run(0.3); // a fast answer through the pool…
      await run(0.3); // …brings it back inline
      expect(ways).toEqual(['inline', 'inline', 'inline', 'inline', 'pool', 'pool', 'pool', 'inline']);
    } finally {
      await handle.close();
    }
  });
});
