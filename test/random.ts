// The one source of random draws in tests, so that a failure can be replayed. A run has one seed:
// TEST_SEED if set, else one drawn by the global setup (test/pg/global-setup.ts), which prints it.
// Each use takes its own stream, derived from the seed and a label, so that a draw added to one test
// does not move another's; and a test that draws says the seed when it fails.
import { relative } from 'node:path';
import { expect, inject, onTestFailed } from 'vitest';

/** A seeded source of numbers in [0, 1) (mulberry32: small, fast, and good enough to pick cases). */
export interface Random {
  /** The seed of this stream (the run's seed mixed with the label). */
  readonly seed: number;
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
  /** `prefix` + `length` letters and digits, like the product's ids (`msn_…`), but replayable. */
  id(prefix: string, length?: number): string;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function seededRandom(seed: number): Random {
  let state = seed | 0;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const id = (prefix: string, length = 20) => prefix + Array.from({ length }, () => ID_ALPHABET[int(ID_ALPHABET.length)]).join('');
  return { seed, next, int, pick: (xs) => xs[int(xs.length)]!, id };
}

/** Reads TEST_SEED: an integer, or nothing. Anything else is refused, so that a typo does not replay another run. */
export function seedFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.TEST_SEED;
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0 || value > 0xffffffff) throw new Error(`TEST_SEED must be an integer from 0 to 4294967295, got "${raw}"`);
  return value;
}

/** This run's seed (TEST_SEED, or the one the global setup drew and printed). */
export function runSeed(): number {
  return seedFromEnv() ?? inject('testSeed');
}

/** A seed for `label` within this run (FNV-1a of the label, mixed with the run's seed). */
export function seedFor(label: string, seed = runSeed()): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** How to replay a failure of a test in `file` with the same draws. */
export function replayHint(seed: number, file = '<this file>'): string {
  return `random draws came from TEST_SEED=${seed}; replay them with: TEST_SEED=${seed} npx vitest run ${file}`;
}

/**
 * A random stream for the current test (call it inside a test): its draws depend only on the run's
 * seed and `label`, and if the test fails the seed is printed with the command that replays it.
 */
export function testRandom(label: string): Random {
  replayOnFailure();
  return seededRandom(seedFor(label));
}

/** If the current test fails, prints the run's seed and how to replay it (once per test, however many streams it draws from). */
export function replayOnFailure(): void {
  const { currentTestName: test, testPath } = expect.getState();
  if (test === hinted) return;
  hinted = test;
  const seed = runSeed();
  onTestFailed(() => console.error(replayHint(seed, testPath ? relative(process.cwd(), testPath) : undefined)));
}
let hinted: string | undefined;

declare module 'vitest' {
  export interface ProvidedContext {
    testSeed: number;
  }
}
