import { availableParallelism } from 'node:os';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * Files that take longest, mostly waiting (on stale locks, leases, child processes, a Node 22 tools
 * install on first use): started first, so that no long file starts last and runs alone. vitest orders
 * by the last run's durations when it has them; a fresh clone (CI) has none and would go by file size.
 */
const SLOW_FIRST = [
  'runner-processes',
  'store-crash',
  'inspector',
  'runner-worker',
  'postgres-faults',
  'store-processes',
  'package',
  'conformance',
  'board',
  'store-corruption',
].map((name) => `/test/${name}.test.ts`);

class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = SLOW_FIRST.findIndex((s) => f.moduleId.endsWith(s));
      return i < 0 ? SLOW_FIRST.length : i;
    };
    return sorted.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map(({ f }) => f);
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // vitest's default is one file at a time on 2 cores (cores - 1). Most files here wait on processes,
    // locks and sockets more than they compute (serially the suite keeps about one core busy), so two
    // files at a time: 4 of the slowest files took 168 s one at a time, 104 s two at a time, 148 s
    // three at a time (docs/testing.md, "How the suite is scheduled").
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // A worker process runs its files one after another with one module cache, instead of a fresh process
    // per file: the imports (the SDKs, zod, the tools) cost 67 s of a fresh-clone run one file at a
    // time and 12 s so, and the run took 348 s instead of 410 s (docs/testing.md). Test files keep no
    // state in shared modules and change no process.env; each ends what it started (its browsers, its
    // servers, its processes), which the tests that look for leftovers check.
    isolate: false,
    sequence: { sequencer: SlowFirst },
    // One real PostgreSQL server for the whole run (test/pg/global-setup.ts); each PostgreSQL test file makes its own database.
    globalSetup: ['test/pg/global-setup.ts'],
    // In CI, also a JSON report that .ci/run turns into a plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results.json' }]] : ['default'],
  },
});
