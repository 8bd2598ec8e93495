// SPEC §8 "Many processes, one file" and "Concurrent calls in one process": real server processes
// of the built bin share one JSON file; no acknowledged create is lost and each process sees the
// others' changes on its next call. Nothing mocked.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { call, connectStdio, ok, tempDir, type Harness } from './helpers.js';
import { readOnDisk } from './on-disk.js';

const readStore = readOnDisk;

describe('store: many processes, one file', () => {
  const temp = tempDir('missions-procs-');
  const open: Harness[] = [];
  const spawn = async (file: string) => {
    const h = await connectStdio(['--store', file]);
    open.push(h);
    return h;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.close().catch(() => undefined)));
  });
  afterAll(() => temp.cleanup());

  it('4 processes x 250 sequential creates each keep all 1,000 missions', async () => {
    const file = join(temp.dir, 'shared.json');
    const procs = await Promise.all([0, 1, 2, 3].map(() => spawn(file)));
    const started = Date.now();
    const acknowledged = await Promise.all(
      procs.map(async (h, p) => {
        const ids: string[] = [];
        for (let i = 0; i < 250; i++) {
          const { mission } = await ok(h.client, 'createMission', { title: `p${p} #${i}`, goal: `process ${p}, create ${i}`, mode: 'compact' });
          ids.push(mission.id);
        }
        return ids;
      }),
    );
    const elapsed = Date.now() - started;
    const allAcked = acknowledged.flat();
    expect(allAcked).toHaveLength(1000);
    expect(new Set(allAcked).size).toBe(1000);

    const doc = readStore(file);
    expect(doc.version).toBe(3);
    const ids = doc.missions.map((m) => m.id);
    const distinct = new Set(ids);
    console.log(`4 processes x 250 creates: ${doc.missions.length} missions in file, ${distinct.size} distinct ids (${elapsed} ms)`);
    expect(doc.missions).toHaveLength(1000);
    expect(distinct.size).toBe(1000);
    for (const id of allAcked) expect(distinct.has(id)).toBe(true);
    // Every process's titles are all there.
    for (let p = 0; p < 4; p++) expect(doc.missions.filter((m) => m.title.startsWith(`p${p} #`))).toHaveLength(250);

    // Each of the four processes, and a fresh one, sees all 1,000.
    for (const h of procs) expect((await ok(h.client, 'listMissions', { limit: 1 })).total).toBe(1000);
    const fresh = await spawn(file);
    const { total } = await ok(fresh.client, 'listMissions', { limit: 1, mode: 'compact' });
    console.log(`fresh process listMissions total: ${total}`);
    expect(total).toBe(1000);

    // No temp files or lock left beside the store: the snapshot, and the journal of what came after it.
    expect(readdirSync(temp.dir).filter((n) => n.includes('shared.json') && !/^shared\.json(\.journal)?$/.test(n))).toEqual([]);
  }, 120_000);

  it('200 parallel createMission calls into one process keep all 200', async () => {
    const file = join(temp.dir, 'parallel.json');
    const h = await spawn(file);
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => call(h.client, 'createMission', { title: `parallel #${i}`, goal: `parallel create ${i}`, mode: 'compact' })),
    );
    const elapsed = Date.now() - started;
    const failures = results.filter((r) => r.isError);
    expect(failures.map((r) => r.text)).toEqual([]);
    const ackIds = new Set(results.map((r) => r.body.mission.id as string));
    expect(ackIds.size).toBe(200);

    const { total } = await ok(h.client, 'listMissions', { limit: 1 });
    const doc = readStore(file);
    const fileIds = new Set(doc.missions.map((m) => m.id));
    console.log(`200 parallel creates in one process: listMissions total ${total}, ${doc.missions.length} missions in file (${elapsed} ms)`);
    expect(total).toBe(200);
    expect(doc.missions).toHaveLength(200);
    for (const id of ackIds) expect(fileIds.has(id)).toBe(true);
    expect(new Set(doc.missions.map((m) => m.title)).size).toBe(200);
  }, 60_000);

  it('200 parallel updates (5 missions x 40 stats keys) in one process are all applied, none lost', async () => {
    // A read-modify-write per call: call k sets stats.n<k> on one of five missions (a mission may
    // hold 50 counters, 3 of them by default). A lost update would drop a key.
    const file = join(temp.dir, 'updates.json');
    const h = await spawn(file);
    const missions: string[] = [];
    for (let m = 0; m < 5; m++) missions.push((await ok(h.client, 'createMission', { title: `counter ${m}`, goal: 'collect 40 stats keys' })).mission.id);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, k) => call(h.client, 'updateMission', { id: missions[k % 5], stats: { [`n${k}`]: k }, mode: 'compact' })),
    );
    expect(results.filter((r) => r.isError).map((r) => r.text)).toEqual([]);
    const inFile = readStore(file).missions as unknown as { id: string; stats: Record<string, number> }[];
    let viaTool = 0;
    let viaFile = 0;
    for (const [m, id] of missions.entries()) {
      const expected = Array.from({ length: 40 }, (_, j) => `n${j * 5 + m}`).sort();
      const got = await ok(h.client, 'getMission', { id });
      const keys = Object.keys(got.mission.stats ?? {}).filter((k) => /^n\d+$/.test(k)).sort();
      const fileKeys = Object.keys(inFile.find((x) => x.id === id)!.stats).filter((k) => /^n\d+$/.test(k)).sort();
      viaTool += keys.length;
      viaFile += fileKeys.length;
      expect(keys).toEqual(expected);
      expect(fileKeys).toEqual(expected);
    }
    console.log(`200 parallel updates in one process: ${viaTool} stats keys via getMission, ${viaFile} in file`);
  }, 60_000);

  it("process B sees process A's create, update and delete on its next call", async () => {
    const file = join(temp.dir, 'visibility.json');
    const [a, b] = await Promise.all([spawn(file), spawn(file)]);

    // B reads first so that it has a cached view that must be refreshed.
    expect((await ok(b.client, 'listMissions', {})).total).toBe(0);

    const { mission } = await ok(a.client, 'createMission', { title: 'Seen by B', goal: 'cross-process visibility' });
    const gotB = await ok(b.client, 'getMission', { id: mission.id });
    expect(gotB.mission).toEqual(mission);
    expect((await ok(b.client, 'listMissions', {})).total).toBe(1);

    const updated = await ok(a.client, 'updateMission', { id: mission.id, title: 'Renamed by A' });
    expect(updated.updated).toContain('title');
    expect((await ok(b.client, 'getMission', { id: mission.id })).mission.title).toBe('Renamed by A');
    expect((await ok(b.client, 'listMissions', { query: 'renamed by a' })).total).toBe(1);

    await ok(a.client, 'pauseMission', { id: mission.id });
    expect((await ok(b.client, 'getMission', { id: mission.id })).mission.status).toBe('paused');

    // And the other way round: B changes it, A sees it.
    await ok(b.client, 'resumeMission', { id: mission.id });
    expect((await ok(a.client, 'getMission', { id: mission.id })).mission.status).toBe('pending');

    await ok(a.client, 'deleteMission', { id: mission.id });
    const gone = await call(b.client, 'getMission', { id: mission.id });
    expect(gone.isError).toBe(true);
    expect(gone.body.error.code).toBe('not_found');
    expect((await ok(b.client, 'listMissions', {})).total).toBe(0);

    // A write by B right after A's delete is based on the file, not on B's stale view.
    const again = await call(b.client, 'updateMission', { id: mission.id, title: 'zombie' });
    expect(again.isError).toBe(true);
    expect(again.body.error.code).toBe('not_found');
    expect(readStore(file).missions).toHaveLength(0);
  }, 60_000);
});

describe('store: processes started before the file exists', () => {
  const temp = tempDir('missions-procs2-');
  afterAll(() => temp.cleanup());
  let hs: Harness[] = [];
  afterEach(async () => {
    await Promise.all(hs.map((h) => h.close().catch(() => undefined)));
    hs = [];
  });

  it('two processes racing their first create into a missing file keep both', async () => {
    const file = join(temp.dir, 'nested', 'deeper', 'race.json');
    hs = await Promise.all([connectStdio(['--store', file]), connectStdio(['--store', file])]);
    const rounds = 10;
    const ids = (
      await Promise.all(
        hs.map(async (h, p) => {
          const out: string[] = [];
          for (let i = 0; i < rounds; i++) out.push((await ok(h.client, 'createMission', { title: `r${p}-${i}`, goal: 'race' })).mission.id);
          return out;
        }),
      )
    ).flat();
    const doc = readStore(file);
    expect(doc.missions.map((m) => m.id).sort()).toEqual([...ids].sort());
  }, 60_000);
});
