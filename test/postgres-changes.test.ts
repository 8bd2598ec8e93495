// The PostgreSQL change log under concurrent writers (SPEC §13): writes log their changes under their
// own transaction id and commit in any order, and a watcher on a third instance must still hear of
// every change exactly once — also of one written by a transaction that took its id first and
// commits last, and of changes held back by a transaction that writes no mission and never NOTIFYs.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { newImportId, newMissionId } from '../src/ids.js';
import { newMission } from '../src/mission/build.js';
import { CreateMissionInput } from '../src/mission/input.js';
import type { Mission } from '../src/mission/model.js';
import { openStore } from '../src/store/index.js';
import type { MissionStore } from '../src/store/types.js';
import { freshDatabase, sql } from './pg/db.js';
import { waitFor } from './wait.js';

const opened: MissionStore[] = [];
const open = (url: string) => {
  const s = openStore(url, { log: () => undefined });
  opened.push(s);
  return s;
};
const stops: (() => void)[] = [];
afterAll(async () => {
  for (const stop of stops.splice(0)) stop();
  for (const s of opened) await s.close();
});

let n = 0;
const mission = (): Mission =>
  newMission(CreateMissionInput.parse({ title: `m${n++}`, goal: 'g' }), { now: new Date(), newImportId, id: newMissionId(), owner: { user: 'local', org: null } });
const create = (store: MissionStore) => {
  const m = mission();
  return store.write(() => ({ put: [m], result: m }));
};
const rename = (store: MissionStore, id: string, title: string) =>
  store.write(async (v) => ({ put: [{ ...(await v.get(id))!, title }], result: null }));

/** A watcher as the resource watchers are: it asks changesSince whenever the store says something changed, one look at a time. */
async function watcher(store: MissionStore) {
  let version = (await store.changesSince(undefined)).version;
  const seen: string[] = [];
  let nulls = 0;
  let running: Promise<void> | undefined;
  let again = false;
  const check = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        const answer = await store.changesSince(version);
        version = answer.version;
        if (answer.changes === null) nulls++;
        else seen.push(...answer.changes.map((c) => c.id));
      } while (again);
    })().finally(() => (running = undefined));
    return running;
  };
  stops.push(store.onChange!(() => void check()));
  return { seen, nulls: () => nulls, check };
}

/**
 * What the watcher heard before `marker`, a change written after every change the test waits for:
 * waits (bounded) until the marker is heard. Changes are heard in the order of the log, so a change
 * still to come, or a repeat of one heard, would come before the marker; what follows it is not ours.
 */
async function heardUpTo(watch: { seen: string[] }, marker: Mission): Promise<string[]> {
  await waitFor(`the watcher to hear the marker ${marker.id}`, () => watch.seen.includes(marker.id), { timeoutMs: 15_000 });
  const at = watch.seen.indexOf(marker.id);
  expect(watch.seen.slice(at + 1), 'nothing after the marker, the last change written').toEqual([]);
  return watch.seen.slice(0, at);
}

const counts = (ids: string[]) => {
  const out = new Map<string, number>();
  for (const id of ids) out.set(id, (out.get(id) ?? 0) + 1);
  return out;
};

describe('the PostgreSQL change log', () => {
  it('2 instances x 8 writers, one write holding the lowest transaction id open while 240 others commit: a watcher on a third instance hears every change exactly once', async () => {
    const url = await freshDatabase('changes');
    const [a, b, w] = [open(url), open(url), open(url)];
    const held = await create(a);
    const watch = await watcher(w);

    // A write that locks its mission (and so takes a transaction id) and then waits, as a slow tool call would.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const lockedNow = new Promise<void>((r) => (locked = r));
    const heldWrite = a.write(async (v) => {
      const m = (await v.get(held.id))!;
      locked();
      await gate;
      return { put: [{ ...m, title: 'written last' }], result: null };
    });
    await lockedNow;

    // 16 writers over two instances: 10 creates each, every other one renamed by the other instance.
    const expected: string[] = [held.id];
    await Promise.all(
      Array.from({ length: 16 }, async (_, i) => {
        const [mine, other] = i % 2 ? [a, b] : [b, a];
        for (let k = 0; k < 10; k++) {
          const m = await create(mine);
          expected.push(m.id);
          if (k % 2) {
            await rename(other, m.id, `${m.title} renamed`);
            expected.push(m.id);
          }
        }
      }),
    );
    await watch.check();
    const beforeRelease = watch.seen.length;
    release();
    await heldWrite;

    // The trap: the held write's change has a lower transaction id than changes committed before it.
    const [order] = await sql<{ held: string; above: number; total: number }>(
      url,
      'WITH h AS (SELECT max(xid) AS xid FROM changes WHERE mission_id = $1) ' +
        'SELECT (SELECT xid FROM h) AS held, (SELECT count(*)::int FROM changes WHERE xid > (SELECT xid FROM h)) AS above, (SELECT count(*)::int FROM changes) - 1 AS total',
      [held.id],
    );
    await waitFor('the watcher to hear every change', () => watch.seen.length >= expected.length, { timeoutMs: 15_000 });
    // No repeat: a marker written after everything else must be heard after any repeat of it.
    const heard = await heardUpTo(watch, await create(b));
    console.log(
      `${expected.length} changes by 17 writers on 2 instances (${order!.above} of them committed before, with a higher transaction id than, the held write); ` +
        `the watcher heard ${beforeRelease} while it was held, ${heard.length} in all, ${counts(heard).size} missions, ${watch.nulls()} "start afresh" answers`,
    );
    expect(order!.total).toBe(expected.length); // every change logged (less the held mission's create, before the watcher)
    expect(order!.above).toBe(expected.length - 1);
    expect(watch.nulls()).toBe(0);
    expect(heard).toHaveLength(expected.length);
    expect(counts(heard)).toEqual(counts(expected));
  });

  it('changes held back by a transaction that writes no mission (and never NOTIFYs) still reach the watcher once it ends', async () => {
    const url = await freshDatabase('changes');
    const [b, w] = [open(url), open(url)];
    const watch = await watcher(w);
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_current_xact_id()'); // a transaction id, older than every write below
      const made = await Promise.all(Array.from({ length: 20 }, () => create(b)));
      await watch.check();
      const whileOpen = watch.seen.length;
      await other.query('ROLLBACK');
      // heard without another write (one would NOTIFY): the store looks again on its own
      await waitFor('the watcher to hear the 20 creates', () => watch.seen.length >= 20, { timeoutMs: 10_000 });
      const heard = await heardUpTo(watch, await create(b));
      console.log(`20 creates while another transaction held an older id: ${whileOpen} heard while it was open, ${heard.length} after it rolled back`);
      expect(counts(heard)).toEqual(counts(made.map((m) => m.id)));
    } finally {
      await other.end();
    }
  });
});
