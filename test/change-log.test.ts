// The change log behind changesSince on the file and memory stores (src/store/change-log.ts): what a
// watcher is told after the version it last saw, what it is told when the log cannot know, and that a
// store which rebuilds its index from a snapshot another process wrote never tells a watcher "nothing
// changed" when something did.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newImportId } from '../src/ids.js';
import { newMission } from '../src/mission/build.js';
import { CHANGES_KEPT, ChangeLog } from '../src/store/change-log.js';
import { openJsonFileStore } from '../src/store/index.js';
import type { MissionChange } from '../src/store/types.js';
import { tempDir } from './helpers.js';

const temp = tempDir('missions-changes-');
afterAll(() => temp.cleanup());

const acl = { owner: { user: 'local', org: null }, visibility: 'private' as const };
const created = (id: string): MissionChange => ({ id, before: null, after: acl });

const mission = (id: string, title: string) =>
  newMission({ title, goal: 'g' }, { now: new Date(), newImportId, id, owner: { user: 'local', org: null } });

describe('the change log', () => {
  it('tells a watcher the changes after the version it saw, in order, and nothing twice', () => {
    const log = new ChangeLog();
    const start = log.since(undefined);
    expect(start).toEqual({ version: 0, changes: [] });
    log.record(created('a'));
    log.record(created('b'));
    const first = log.since(start.version);
    expect(first).toEqual({ version: 2, changes: [created('a'), created('b')] });
    log.record(created('c'));
    expect(log.since(first.version)).toEqual({ version: 3, changes: [created('c')] });
    expect(log.since(3)).toEqual({ version: 3, changes: [] });
  });

  it('answers null (everything may have changed) for a version it never gave out or has forgotten', () => {
    const log = new ChangeLog();
    log.record(created('a'));
    expect(log.since(2).changes, 'a version from the future').toBeNull();
    for (let i = 0; i < CHANGES_KEPT * 2; i++) log.record(created(`m${i}`));
    expect(log.since(0).changes, 'older than what it remembers').toBeNull();
    const recent = log.since(log.version - 1);
    expect(recent.changes).toEqual([created(`m${CHANGES_KEPT * 2 - 1}`)]);
  });

  it('each log counts its own versions (no state shared across the process)', () => {
    const a = new ChangeLog();
    for (const id of ['a', 'b', 'c']) a.record(created(id));
    const b = new ChangeLog();
    expect(b.version).toBe(0);
    b.record(created('x'));
    expect([a.version, b.version]).toEqual([3, 1]);
  });

  it('a successor starts above its predecessor and knows none of its versions', () => {
    const old = new ChangeLog();
    old.record(created('a'));
    const next = old.successor();
    expect(next.version).toBeGreaterThan(old.version);
    expect(next.since(old.version).changes).toBeNull();
    expect(next.since(0).changes).toBeNull();
    expect(next.since(next.version)).toEqual({ version: next.version, changes: [] });
  });

  it('a file store that rebuilds from a snapshot another handle wrote tells its watcher that everything may have changed', async () => {
    const file = join(temp.dir, 'rebuilt', 'missions.json');
    const watched = openJsonFileStore(file, { log: () => undefined });
    const other = openJsonFileStore(file, { log: () => undefined });
    try {
      await watched.write(() => ({ put: [mission('msn_BEFORE000000000000', 'before')], result: null }));
      const seen = await watched.changesSince(undefined);
      // The other handle folds the journal into a new snapshot, then writes one more mission to a new
      // journal: the watched handle rebuilds from that snapshot and applies the journal after it.
      await other.write(() => ({ put: [mission('msn_FOLDED000000000000', 'folded')], result: null }));
      await other.compact();
      await other.write(() => ({ put: [mission('msn_AFTER0000000000000', 'after')], result: null }));
      const answer = await watched.changesSince(seen.version);
      expect(answer.version).not.toBe(seen.version);
      // It cannot know what changed between its old index and the snapshot: null, never a partial list.
      expect(answer.changes).toBeNull();
      expect(await watched.get('msn_FOLDED000000000000')).toBeDefined();
      expect(await watched.changesSince(answer.version)).toEqual({ version: answer.version, changes: [] });
    } finally {
      await other.close();
      await watched.close();
    }
  });
});
