// A write plan may run more than once (src/store/types.ts): PostgreSQL runs it again from the start
// when its transaction loses a deadlock or a serialization race, and only the last run is written.
// Two writes that lock two missions in opposite orders deadlock for sure; the server aborts one, the
// store runs that one's plan again, and nothing of its first run is kept.
import { afterAll, describe, expect, it } from 'vitest';
import { newImportId } from '../src/ids.js';
import { newMission } from '../src/mission/build.js';
import { openStore } from '../src/store/index.js';
import type { MissionStore, WriteView } from '../src/store/types.js';
import { freshDatabase } from './pg/db.js';
import { within } from './wait.js';

const owner = { user: 'local', org: null };
const X = 'msn_RETRYX0000000000000';
const Y = 'msn_RETRYY0000000000000';

let store: MissionStore | undefined;
afterAll(() => store?.close());

/** A promise and the function that resolves it. */
function signal(): { done: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const done = new Promise<void>((resolve) => (fire = resolve));
  return { done, fire };
}

describe('PostgreSQL runs a plan again when its write loses a deadlock', () => {
  it('of two writes that lock two missions in opposite orders, one plan runs twice and only its last run is written', async () => {
    store = openStore(await freshDatabase('retry'), { log: () => undefined });
    const s = store;
    await s.write(() => ({ put: [X, Y].map((id) => newMission({ title: id, goal: 'g' }, { now: new Date(), newImportId, id, owner })), result: null }));

    const runs = { A: 0, B: 0 };
    const locked = { A: signal(), B: signal() };
    /** Locks `first`, waits until the other write holds its first mission, then locks `second`: a deadlock on the first run. */
    const plan = (me: 'A' | 'B', other: 'A' | 'B', first: string, second: string) => async (v: WriteView) => {
      const attempt = ++runs[me];
      const a = (await v.get(first))!;
      locked[me].fire();
      await locked[other].done; // resolved for good after the first run: a second run does not wait
      const b = (await v.get(second))!;
      return { put: [a, b].map((m) => ({ ...m, title: `${me} run ${attempt}` })), result: attempt };
    };
    const results = await within(
      'both writes to end (PostgreSQL finds the deadlock after deadlock_timeout, 1 s by default)',
      Promise.all([s.write(plan('A', 'B', X, Y)), s.write(plan('B', 'A', Y, X))]),
    );

    expect(runs.A + runs.B, `plan runs: ${JSON.stringify(runs)}`).toBe(3);
    const again = runs.A === 2 ? 'A' : 'B';
    expect(results[again === 'A' ? 0 : 1], 'the write answers what the last run of its plan returned').toBe(2);
    // The plan that ran again committed last: both missions hold what its second run decided.
    expect((await s.get(X))!.title).toBe(`${again} run 2`);
    expect((await s.get(Y))!.title).toBe(`${again} run 2`);
  });
});
