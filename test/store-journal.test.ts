// The journal beside the snapshot (SPEC §8 with issue 3's engine): torn and damaged lines, a journal
// that does not continue its snapshot, group commit, and compaction while other processes write.
// Real files, real MCP clients, real processes of the built bin; nothing mocked.
import { appendFileSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LOCAL_USER } from '../src/mission/access.js';
import { openJsonFileStore } from '../src/store/index.js';
import { call, connectInMemory, connectStdio, ok, tempDir, type Harness } from './helpers.js';
import { readOnDisk } from './on-disk.js';
import { waitFor } from './wait.js';

const temp = tempDir('missions-journal-');
afterAll(() => temp.cleanup());
let n = 0;
const fresh = () => join(temp.dir, `${++n}`, 'missions.json');

const open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close().catch(() => undefined)));
});

async function inMemoryOver(file: string) {
  const store = openJsonFileStore(file, { log: () => undefined });
  const h = await connectInMemory({ store });
  open.push(h);
  return { ...h, store };
}

async function stdioOver(file: string, env: Record<string, string> = {}) {
  const h = await connectStdio(['--store', file], env);
  open.push(h);
  return h;
}

/** A store with a snapshot and `count` creates in its journal; returns their ids. */
async function seeded(file: string, count: number): Promise<string[]> {
  const { client } = await inMemoryOver(file);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await ok(client, 'createMission', { title: `Seed ${i}`, goal: 'g', mode: 'compact' })).mission.id);
  return ids;
}

describe('journal: a crash mid-append leaves at most a torn last line', () => {
  for (const [name, tail] of [
    ['half a line, no newline', '{"seq":99,"put":[{"id":"msn_torn'],
    ['zero bytes, as a power cut can leave', '\0\0\0\0\0\0\0\0'],
    ['an unreadable last line with its newline', '{"seq":99,"put":[{"id"\n'],
  ] as const) {
    it(`${name}: readers ignore it, every acknowledged mission is there, and the next writer cuts it off`, async () => {
      const file = fresh();
      const ids = await seeded(file, 5);
      const journal = `${file}.journal`;
      const before = readFileSync(journal);
      appendFileSync(journal, tail);

      // Another process reads past nothing it cannot parse.
      const reader = await stdioOver(file);
      const listed = await ok(reader.client, 'listMissions', { limit: 100, mode: 'compact' });
      expect(listed.missions.map((m: { id: string }) => m.id).sort()).toEqual([...ids].sort());
      expect(readFileSync(journal).length, 'a reader never changes the journal').toBe(before.length + Buffer.byteLength(tail));

      // The next write (holding the lock) removes the torn tail, then appends.
      const { mission } = await ok(reader.client, 'createMission', { title: 'After the crash', goal: 'g' });
      const after = readFileSync(journal);
      expect(after.subarray(0, before.length).equals(before), 'everything before the torn tail is kept byte for byte').toBe(true);
      expect(after.toString('utf8')).not.toContain('msn_torn');
      expect(after.toString('utf8').endsWith('\n')).toBe(true);
      const onDisk = readOnDisk(file);
      expect(onDisk.tornBytes).toBe(0);
      expect(onDisk.missions.map((m) => m.id).sort()).toEqual([...ids, mission.id].sort());
      expect(reader.stderr()).toMatch(/torn last line/);
    }, 30_000);
  }
});

describe('journal: damage that is not a torn tail is reported, never written over', () => {
  it('a bad line in the middle: every call answers store_error naming the journal and the line; nothing changes until it is fixed', async () => {
    const file = fresh();
    await seeded(file, 4); // a snapshot with the first, then journal lines 1-3
    const journal = `${file}.journal`;
    const lines = readFileSync(journal, 'utf8').split('\n');
    const good = readFileSync(journal);
    lines[1] = '{"seq": 2, "put": [{"id": "msn_broken", "title": 42}]}';
    const broken = Buffer.from(lines.join('\n'));
    writeFileSync(journal, broken);
    const snapshot = readFileSync(file);

    const h = await stdioOver(file);
    for (const [name, args] of [
      ['listMissions', {}],
      ['createMission', { title: 'Must not be written', goal: 'g' }],
      ['getMission', { id: 'msn_AAAAAAAAAAAAAAAAAAAA' }],
    ] as const) {
      const answer = await call(h.client, name, args);
      expect(answer.body.error?.code, `${name}: ${answer.text}`).toBe('store_error');
      expect(answer.body.error.message).toContain(journal);
      expect(answer.body.error.message).toMatch(/line 2/);
      expect(answer.body.error.message).toMatch(/fix or remove that line|move the journal away/i);
    }
    expect(readFileSync(journal).equals(broken)).toBe(true);
    expect(readFileSync(file).equals(snapshot)).toBe(true);

    writeFileSync(journal, good); // fixed by hand
    expect((await ok(h.client, 'listMissions', {})).total).toBe(4);
  }, 30_000);

  it('a journal that does not continue its snapshot (a snapshot restored from an old backup) is refused', async () => {
    const file = fresh();
    await seeded(file, 1); // the snapshot holds this one (seq 0), so the journal starts at 1
    const { client, store } = await inMemoryOver(file);
    for (let i = 0; i < 3; i++) await ok(client, 'createMission', { title: `Later ${i}`, goal: 'g' });
    await store.compact(); // snapshot at seq 3, no journal
    const compacted = readFileSync(file);
    await ok(client, 'createMission', { title: 'Journal line 4', goal: 'g' });
    // Put back an older snapshot (seq 0): the journal now starts after a gap.
    const old = JSON.parse(compacted.toString('utf8'));
    writeFileSync(file, JSON.stringify({ ...old, seq: 0, missions: old.missions.slice(0, 1) }));

    expect(readOnDisk.bind(null, file), 'the on-disk reader sees the gap too').toThrow(/does not follow/);
    const h = await stdioOver(file);
    const answer = await call(h.client, 'listMissions', {});
    expect(answer.body.error?.code, `${answer.text}\n${readFileSync(`${file}.journal`, 'utf8').slice(0, 40)}`).toBe('store_error');
    expect(answer.body.error.message).toMatch(/older than its journal/);
    expect(answer.body.error.message).toContain(`${file}.journal`);
  }, 30_000);
});

describe('snapshot digest: a file edited by hand is validated in full again', () => {
  it('an edit that keeps the JSON valid but breaks a field (a made-up time zone) is found, though the file carries a digest', async () => {
    const file = fresh();
    const { client, store } = await inMemoryOver(file);
    await ok(client, 'createMission', { title: 'Digest', goal: 'g', schedule: { type: 'cron', value: '0 9 * * *', timezone: 'Europe/Paris' } });
    await store.compact();
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/\], "digest": "[0-9a-f]{64}"\}\n$/);
    writeFileSync(file, text.replace('"timezone":"Europe/Paris"', '"timezone":"Mars/Olympus"'));

    const h = await stdioOver(file);
    const answer = await call(h.client, 'listMissions', {});
    expect(answer.body.error?.code, answer.text).toBe('store_error');
    expect(answer.body.error.message).toMatch(/missions\.0\.schedule\.timezone/);
  }, 30_000);
});

describe('journal: group commit', () => {
  it('64 parallel creates in one process share appends (fewer fdatasyncs than creates) and all 64 are kept', async () => {
    const file = fresh();
    const { client, store } = await inMemoryOver(file);
    await ok(client, 'createMission', { title: 'First', goal: 'makes the snapshot' });
    const before = store.stats;
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) => ok(client, 'createMission', { title: `Parallel ${i}`, goal: 'g', mode: 'compact' })),
    );
    const after = store.stats;
    const appends = after.appends - before.appends;
    console.log(`64 parallel creates: ${appends} appends (fdatasyncs), ${after.appended - before.appended} journal lines`);
    expect(after.appended - before.appended).toBe(64);
    expect(appends).toBeLessThan(64);
    const onDisk = readOnDisk(file);
    expect(onDisk.missions).toHaveLength(65);
    for (const r of results) expect(onDisk.missions.some((m) => m.id === r.mission.id)).toBe(true);
  });

  it('a failing plan in a batch fails alone: its neighbours are written', async () => {
    const file = fresh();
    const { client } = await inMemoryOver(file);
    const { mission } = await ok(client, 'createMission', { title: 'Running one', goal: 'g' });
    await ok(client, 'updateMission', { id: mission.id, status: 'running' });
    const answers = await Promise.all([
      call(client, 'createMission', { title: 'Neighbour A', goal: 'g' }),
      call(client, 'deleteMission', { id: mission.id }), // conflict: running, no force
      call(client, 'createMission', { title: 'Neighbour B', goal: 'g' }),
    ]);
    expect(answers.map((a) => a.isError)).toEqual([false, true, false]);
    expect(answers[1]!.body.error.code).toBe('conflict');
    expect(readOnDisk(file).missions.map((m) => m.title).sort()).toEqual(['Neighbour A', 'Neighbour B', 'Running one']);
  });
});

describe('journal: a compaction in the middle of a read', () => {
  it('a read that loses the race (new snapshot and journal gone between its two steps) still returns every acknowledged mission', async () => {
    const file = fresh();
    const a = openJsonFileStore(file, { log: () => undefined, compactAtBytes: 1e9 });
    const b = openJsonFileStore(file, { log: () => undefined });
    const aClient = await connectInMemory({ store: a });
    open.push(aClient);
    await ok(aClient.client, 'createMission', { title: 'first', goal: 'g' }); // the snapshot
    expect((await b.read()).size).toBe(1);
    for (let i = 0; i < 3; i++) await ok(aClient.client, 'createMission', { title: `journal ${i}`, goal: 'g' });
    // White-box: make A compact right after B has read the snapshot and before it reads the journal.
    const db = (b as unknown as { db: { read: () => Promise<void> } }).db;
    const read = db.read.bind(db);
    db.read = async () => {
      await read();
      db.read = read;
      await a.compact();
    };
    expect((await b.read()).size, 'the racing read').toBe(4);
    expect((await b.read()).size).toBe(4);
  });

  it('a process that only read does not rewrite the store when it closes', async () => {
    const file = fresh();
    await seeded(file, 3); // a snapshot and a journal
    const before = readFileSync(file);
    const journalBefore = readFileSync(`${file}.journal`);
    const reader = openJsonFileStore(file, { log: () => undefined });
    expect((await reader.read()).size).toBe(3);
    await reader.close();
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readFileSync(`${file}.journal`).equals(journalBefore)).toBe(true);
  });
});

describe('journal: never write what would not load back', () => {
  it('a mission that fails the snapshot check is refused (internal), alone in its batch, and nothing of it reaches the disk', async () => {
    const file = fresh();
    const { client, store } = await inMemoryOver(file);
    const { mission } = await ok(client, 'createMission', { title: 'Good', goal: 'g' });
    const view = await store.read();
    const good = view.get(mission.id)!;
    const before = readOnDisk(file);
    const [bad, fine] = await Promise.allSettled([
      store.write(() => ({ put: [{ ...good, id: 'msn_BBBBBBBBBBBBBBBBBBBB', startsAt: '+010000-01-01T00:00:00.000Z' }], result: 'bad' })),
      store.write(() => ({ put: [{ ...good, id: 'msn_CCCCCCCCCCCCCCCCCCCC', title: 'Fine' }], result: 'fine' })),
    ]);
    expect(bad.status).toBe('rejected');
    expect(String((bad as PromiseRejectedResult).reason)).toMatch(/would not load back \(startsAt/);
    expect(fine.status).toBe('fulfilled');
    const after = readOnDisk(file);
    expect(after.missions.map((m) => m.id).sort()).toEqual([...before.missions.map((m) => m.id), 'msn_CCCCCCCCCCCCCCCCCCCC'].sort());
    expect((await ok(client, 'listMissions', {})).total).toBe(2);
  });
});

describe('journal: compaction under load', () => {
  it('compaction runs again and again while two other processes write; nothing is lost or duplicated', async () => {
    const file = fresh();
    await seeded(file, 1);
    const writers = await Promise.all([stdioOver(file), stdioOver(file)]);
    const compactor = openJsonFileStore(file, { log: () => undefined });
    let writing = true;
    let compactions = 0;
    const compacting = (async () => {
      while (writing) {
        await compactor.compact();
        compactions++;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();

    // Each writer creates missions and updates its own first mission's counter, in parallel.
    const acknowledged = await Promise.all(
      writers.map(async (w, p) => {
        const ids: string[] = [];
        const first = (await ok(w.client, 'createMission', { title: `w${p} counter`, goal: 'g', mode: 'compact' })).mission.id;
        ids.push(first);
        for (let i = 0; i < 120; i++) {
          ids.push((await ok(w.client, 'createMission', { title: `w${p} #${i}`, goal: 'g', mode: 'compact' })).mission.id);
          if (i % 4 === 0) await ok(w.client, 'updateMission', { id: first, stats: { ticks: i }, mode: 'compact' });
        }
        return { ids, first };
      }),
    );
    writing = false;
    await compacting;

    const all = acknowledged.flatMap((a) => a.ids);
    const onDisk = readOnDisk(file);
    const ids = onDisk.missions.map((m) => m.id);
    console.log(`compaction under load: ${compactions} compactions while 2 processes made ${all.length} creates and 62 updates; ${ids.length} missions on disk`);
    expect(compactions).toBeGreaterThan(3);
    expect(new Set(ids).size, 'no duplicates').toBe(ids.length);
    expect(ids.length).toBe(all.length + 1);
    for (const id of all) expect(ids).toContain(id);
    for (const { first } of acknowledged) {
      const counter = onDisk.missions.find((m) => m.id === first) as unknown as { stats: { ticks: number } };
      expect(counter.stats.ticks, 'the last update survives every compaction').toBe(116);
    }
    // Every process agrees, and so does a new one.
    for (const w of writers) expect((await ok(w.client, 'listMissions', { limit: 1 })).total).toBe(all.length + 1);
    const late = await stdioOver(file);
    expect((await ok(late.client, 'listMissions', { limit: 1 })).total).toBe(all.length + 1);
    await compactor.close();
    expect(readdirSync(join(file, '..')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 120_000);

  it('a reader that another process compacts under again and again reads under the lock instead of calling the store damaged', async () => {
    const file = fresh();
    const ids = await seeded(file, 2);
    const other = await inMemoryOver(file); // another writer on the file; its store compacts
    let races = 0;
    // Between the reader's snapshot and journal reads, the other writer creates, folds the journal into a
    // new snapshot and creates again, so the journal the reader finds goes on past what it read. Each
    // read outside the lock races so; under the lock, no compaction can.
    const reader = openJsonFileStore(file, {
      log: () => undefined,
      betweenReads: async () => {
        races++;
        ids.push((await ok(other.client, 'createMission', { title: `Before compaction ${races}`, goal: 'g', mode: 'compact' })).mission.id);
        await other.store.compact();
        ids.push((await ok(other.client, 'createMission', { title: `After compaction ${races}`, goal: 'g', mode: 'compact' })).mission.id);
      },
    });
    try {
      const index = await reader.read();
      console.log(`a read raced by ${races} compactions: ${index.size} missions, ${ids.length} made`);
      expect(races).toBeGreaterThanOrEqual(3);
      expect(index.size).toBe(ids.length);
      const listed = await reader.list({ limit: 100 }, LOCAL_USER, new Date());
      expect(listed.missions.map((m) => m.id).sort()).toEqual([...ids].sort());
    } finally {
      await reader.close();
    }
  });

  it('a small store is folded into missions.json when the last process closes, so the file reads current', async () => {
    const file = fresh();
    await seeded(file, 4);
    expect(existsSync(`${file}.journal`)).toBe(true);
    const h = await connectStdio(['--store', file]);
    await ok(h.client, 'createMission', { title: 'Last one', goal: 'g' });
    await h.close();
    // the process folds the journal in as it exits, after its stdin closed
    await waitFor('the last process to fold the journal into missions.json and remove it', () => !existsSync(`${file}.journal`), { timeoutMs: 10_000 });
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.missions).toHaveLength(5);
    expect(doc.seq).toBe(5);
    expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
  }, 30_000);
});
