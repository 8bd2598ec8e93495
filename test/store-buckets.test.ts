// The file store's per-visibility indexes stay bounded: a bucket (an owner's private missions, an
// org's, the public ones) that loses its last mission is dropped, in every sort order built so far,
// whether the mission was deleted or moved to another bucket by a visibility change.
import { afterAll, expect, it } from 'vitest';
import { join } from 'node:path';
import { tokenPrincipal } from '../src/mission/access.js';
import { newMission } from '../src/mission/build.js';
import { CreateMissionInput } from '../src/mission/input.js';
import type { Mission, Visibility } from '../src/mission/model.js';
import { newImportId, newMissionId } from '../src/ids.js';
import { openJsonFileStore } from '../src/store/index.js';
import { tempDir } from './helpers.js';

const temp = tempDir('missions-buckets-');
afterAll(() => temp.cleanup());
const NOW = new Date('2026-03-01T12:00:00.000Z');

const mission = (user: string, org: string | null, visibility: Visibility): Mission =>
  newMission(CreateMissionInput.parse({ title: `${user} ${visibility}`, goal: 'g', visibility }), { now: NOW, newImportId, id: newMissionId(), owner: { user, org } });

it('an emptied visibility bucket is dropped from every order; lists stay right', async () => {
  const store = openJsonFileStore(join(temp.dir, 'missions.json'), { log: () => undefined });
  try {
    const alice = [mission('alice', 'acme', 'private'), mission('alice', 'acme', 'private')];
    const bob = [mission('bob', 'globex', 'private'), mission('bob', 'globex', 'organization')];
    const open = mission('carol', null, 'public');
    await store.write(() => ({ put: [...alice, ...bob, open], result: null }));
    // Lists in two orders build the buckets: alice's own, bob's own, globex, public.
    const bobOf = tokenPrincipal('bob', 'globex');
    expect((await store.list({}, bobOf, NOW)).total).toBe(3);
    expect((await store.list({ sort: 'title' }, tokenPrincipal('alice', 'acme'), NOW)).total).toBe(3);
    const buckets = async () => {
      await store.list({}, bobOf, NOW);
      await store.list({ sort: 'title' }, bobOf, NOW);
      const { buckets } = await store.read();
      return [buckets.count('createdAt'), buckets.count('title')];
    };
    expect(await buckets()).toEqual([4, 4]);

    // bob's missions go (one deleted, one made public): his own bucket and globex's are dropped
    await store.write(() => ({ put: [{ ...bob[1]!, visibility: 'public' }], remove: [bob[0]!.id], result: null }));
    expect((await store.list({}, bobOf, NOW)).missions.map((m) => m.id).sort()).toEqual([bob[1]!.id, open.id].sort());
    expect(await buckets()).toEqual([2, 2]);
    // alice's made public too: only the public bucket is left, and everyone sees the four missions
    await store.write(() => ({ put: alice.map((m) => ({ ...m, visibility: 'public' as const })), result: null }));
    expect(await buckets()).toEqual([1, 1]);
    expect((await store.list({}, tokenPrincipal('dave', null), NOW)).total).toBe(4);
    await store.write(() => ({ remove: [...alice, bob[1]!, open].map((m) => m.id), result: null }));
    expect(await buckets()).toEqual([0, 0]);
  } finally {
    await store.close();
  }
});
