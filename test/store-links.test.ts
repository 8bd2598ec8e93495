// Issue 9: a store path that is a symlink. Processes using the link and the target must share one
// store: the journal and lock live beside the real file, and a new snapshot replaces the real file,
// never the link. Two real processes, one through each path.
import { existsSync, lstatSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { call, connectStdio, ok, tempDir, type Harness } from './helpers.js';
import { readOnDisk } from './on-disk.js';

const temp = tempDir('missions-links-');
afterAll(() => temp.cleanup());
const open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close().catch(() => undefined)));
});
async function serve(store: string) {
  const h = await connectStdio(['--store', store]);
  open.push(h);
  return h.client;
}

describe('a store reached through a symlink', () => {
  it('a process on the link and one on the target share one store, and the link stays a link after the snapshot is rewritten', async () => {
    const real = join(temp.dir, 'data');
    const links = join(temp.dir, 'links');
    mkdirSync(real);
    mkdirSync(links);
    const target = join(real, 'missions.json');
    const link = join(links, 'missions.json');
    symlinkSync(target, link); // dangling until the first write

    const viaLink = await serve(link);
    const viaTarget = await serve(target);
    const a = (await ok(viaLink, 'createMission', { title: 'Through the link', goal: 'g' })).mission.id;
    const b = (await ok(viaTarget, 'createMission', { title: 'Through the target', goal: 'g' })).mission.id;
    for (const c of [viaLink, viaTarget]) {
      const ids = (await ok(c, 'listMissions', {})).missions.map((m: { id: string }) => m.id).sort();
      expect(ids).toEqual([a, b].sort());
    }
    await ok(viaLink, 'updateMission', { id: b, title: 'Renamed through the link' });
    expect((await call(viaTarget, 'getMission', { id: b })).body.mission.title).toBe('Renamed through the link');

    // Both processes close: the journal is folded into a new snapshot, which replaces the real file.
    await Promise.all(open.splice(0).map((h) => h.close()));
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readdirSync(links)).toEqual(['missions.json']);
    expect(existsSync(`${link}.journal`)).toBe(false);
    expect(readOnDisk(target).missions.map((m) => m.title).sort()).toEqual(['Renamed through the link', 'Through the link']);
  }, 60_000);
});
