// vitest globalSetup: ONE PostgreSQL server for the whole run, stopped in teardown on every path
// (vitest calls teardown after failures too; a start that fails stops what it began).
import { randomInt } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { seedFromEnv } from '../random.js';
import { startPostgres, type TestPostgres } from './server.js';

let server: TestPostgres | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // One seed for every random draw of the run (test/random.ts): TEST_SEED, or a new one, said here.
  const seed = seedFromEnv() ?? randomInt(0, 2 ** 32);
  project.provide('testSeed', seed);
  process.stderr.write(`random draws in this run come from TEST_SEED=${seed} (set TEST_SEED to replay them)\n`);
  const lines: string[] = [];
  try {
    server = await startPostgres((line) => lines.push(String(line)));
  } catch (error) {
    // Not the end of the run: every PostgreSQL test fails with this one line (test/pg/db.ts), the others run.
    const message = error instanceof Error ? error.message : String(error);
    const why = message || lines.filter((l) => l.trim()).at(-1)?.trim() || 'no reason given';
    const problem = why.startsWith('PostgreSQL tests cannot run')
      ? why.split('\n')[0]!
      : `PostgreSQL tests cannot run: the test server did not start (${why.split('\n')[0]}). See docs/testing.md, "PostgreSQL".`;
    process.stderr.write(`${problem}\n`);
    project.provide('pgProblem', problem);
    project.provide('pgUrl', '');
    project.provide('pgPassword', '');
    project.provide('pgDataDir', '');
    return async () => undefined;
  }
  project.provide('pgProblem', '');
  project.provide('pgUrl', server.url('postgres'));
  project.provide('pgPassword', server.password);
  project.provide('pgDataDir', server.dataDir);
  const stopOnSignal = () => void server?.stop();
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  return async () => {
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
    await server?.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Why the PostgreSQL tests cannot run (one line), or '' when the server started. */
    pgProblem: string;
    pgUrl: string;
    pgPassword: string;
    pgDataDir: string;
  }
}
