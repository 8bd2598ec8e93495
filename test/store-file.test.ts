// SPEC §8, the JSON file itself: where it lives, when and how it is created, its format version and
// the v0 migration with a backup, the read cache, and "a failed call changes nothing". Real files,
// real MCP clients (in memory over a real file store, or a spawned stdio process of the built bin).
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openJsonFileStore } from '../src/store/index.js';
import { BIN, call, connectInMemory, connectStdio, ok, tempDir, type Harness } from './helpers.js';
import { lockLetGo, readOnDisk } from './on-disk.js';

const temp = tempDir('missions-file-');
afterAll(() => temp.cleanup());
let n = 0;
const fresh = (name: string) => join(temp.dir, `${++n}-${name}`);

const open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close().catch(() => undefined)));
});

async function inMemoryOver(file: string) {
  const store = openJsonFileStore(file);
  const h = await connectInMemory({ store });
  open.push(h);
  return { ...h, store };
}

async function stdioOver(args: string[], env: Record<string, string> = {}) {
  const h = await connectStdio(args, env);
  open.push(h);
  return h;
}

const inode = (file: string) => statSync(file, { bigint: true }).ino;

describe('store file: creation, mode, folder, version', () => {
  it('is created on the first write, not on reads, with mode 0600, in a folder created if missing', async () => {
    const file = join(fresh('nested'), 'a', 'b', 'missions.json');
    const { client } = await inMemoryOver(file);

    // Reads and a failed write create nothing.
    expect((await ok(client, 'listMissions', {})).total).toBe(0);
    expect((await call(client, 'getMission', { id: 'msn_AAAAAAAAAAAAAAAAAAAA' })).body.error.code).toBe('not_found');
    expect(existsSync(dirname(file)), 'reads do not create the folder').toBe(false);
    expect((await call(client, 'updateMission', { id: 'msn_AAAAAAAAAAAAAAAAAAAA', title: 'x' })).body.error.code).toBe('not_found');
    expect((await call(client, 'createMission', { title: '' })).body.error.code).toBe('invalid_request');
    expect(existsSync(file), 'failed calls do not create the file').toBe(false);

    const { mission } = await ok(client, 'createMission', { title: 'First', goal: 'Create the file.' });
    expect(statSync(dirname(file)).isDirectory()).toBe(true);
    const st = statSync(file);
    expect((st.mode & 0o777).toString(8)).toBe('600');

    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(Object.keys(doc)).toContain('version');
    expect(doc.version).toBe(3);
    expect(doc.missions.map((m: { id: string }) => m.id)).toEqual([mission.id]);

    // Later writes go to the journal beside it, also 0600; nothing else is left beside the file.
    await ok(client, 'updateMission', { id: mission.id, title: 'First, renamed' });
    await ok(client, 'createMission', { title: 'Second', goal: 'Another write.' });
    expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
    expect((statSync(`${file}.journal`).mode & 0o777).toString(8)).toBe('600');
    await lockLetGo(file); // kept for a next write, then let go
    expect(readdirSync(dirname(file)).sort()).toEqual(['missions.json', 'missions.json.journal']);
    const onDisk = readOnDisk(file);
    expect(onDisk.missions.map((m) => m.title)).toEqual(['First, renamed', 'Second']);
    expect(onDisk.journalLines).toBe(2);
  });

  it('a snapshot made 0644 by hand keeps its mode when it is next rewritten (issue 9: the owner chose it)', async () => {
    const file = join(fresh('chmod'), 'missions.json');
    const { client, store } = await inMemoryOver(file);
    await ok(client, 'createMission', { title: 'One', goal: 'g' });
    chmodSync(file, 0o644);
    await ok(client, 'createMission', { title: 'Two', goal: 'g' });
    await store.compact();
    expect((statSync(file).mode & 0o777).toString(8)).toBe('644');
    expect(JSON.parse(readFileSync(file, 'utf8')).missions).toHaveLength(2);
    expect(existsSync(`${file}.journal`), 'the journal is folded in and removed').toBe(false);
  });
});

describe('store file: reads of an unchanged store do not re-read the file', () => {
  it('the snapshot is parsed once: reads, own writes and other writers add no loads; other writers cost one journal entry each', async () => {
    const file = join(fresh('cache'), 'missions.json');
    const { client, store } = await inMemoryOver(file);
    const { mission } = await ok(client, 'createMission', { title: 'Cached', goal: 'Read me many times.' });
    await ok(client, 'getMission', { id: mission.id });
    const base = store.stats.snapshotLoads;

    for (let i = 0; i < 50; i++) {
      await ok(client, 'getMission', { id: mission.id });
      await ok(client, 'listMissions', { query: 'cached' });
    }
    expect(store.stats.snapshotLoads, '100 reads of an unchanged file').toBe(base);

    // Our own write does not make us re-read our own file.
    await ok(client, 'updateMission', { id: mission.id, stats: { reads: 100 } });
    for (let i = 0; i < 10; i++) await ok(client, 'listMissions', {});
    expect(store.stats.snapshotLoads, 'own writes').toBe(base);

    const entries = store.stats.entriesRead;
    expect(entries, 'own writes are never read back').toBe(0);

    // Another store instance (same process) writes: we read its one journal entry, not the snapshot.
    const other = await inMemoryOver(file);
    const second = await ok(other.client, 'createMission', { title: 'From another instance', goal: 'g' });
    expect((await ok(client, 'getMission', { id: second.mission.id })).mission.title).toBe('From another instance');
    expect(store.stats.snapshotLoads).toBe(base);
    expect(store.stats.entriesRead).toBe(1);
    for (let i = 0; i < 10; i++) await ok(client, 'listMissions', {});
    expect(store.stats.entriesRead).toBe(1);

    // Another process writes: one more entry read, and still no snapshot load.
    const proc = await stdioOver(['--store', file]);
    const third = await ok(proc.client, 'createMission', { title: 'From another process', goal: 'g' });
    expect((await ok(client, 'listMissions', {})).total).toBe(3);
    expect((await ok(client, 'getMission', { id: third.mission.id })).mission.title).toBe('From another process');
    expect(store.stats.snapshotLoads).toBe(base);
    expect(store.stats.entriesRead).toBe(2);
    for (let i = 0; i < 10; i++) await ok(client, 'getMission', { id: third.mission.id });
    expect(store.stats.snapshotLoads).toBe(base);
    expect(store.stats.entriesRead).toBe(2);

    // After a compaction (a new snapshot), the next read loads the snapshot once more.
    await other.store.compact();
    expect((await ok(client, 'listMissions', {})).total).toBe(3);
    expect(store.stats.snapshotLoads).toBe(base + 1);

    // The other process's read of our write also costs it nothing more than one reload (observable
    // only through results): it sees our change on its next call.
    await ok(client, 'updateMission', { id: third.mission.id, title: 'Renamed in memory' });
    expect((await ok(proc.client, 'getMission', { id: third.mission.id })).mission.title).toBe('Renamed in memory');
    console.log(`snapshot loads: ${base} after setup, ${store.stats.snapshotLoads} after 2 foreign writes, a compaction and ~150 reads; journal entries read: ${store.stats.entriesRead}`);
  }, 60_000);
});

describe('store file: a v0 file (no "version") is migrated after a backup', () => {
  it('reads a v0 file without writing; the first write keeps a byte-identical <file>.v0.bak and writes the current version with the old missions', async () => {
    // Make real missions with the product, then write them as a v0 file: no "version" key.
    const seedFile = join(fresh('v0-seed'), 'seed.json');
    const seed = await inMemoryOver(seedFile);
    const ids: string[] = [];
    for (const title of ['Old one', 'Old two', 'Old three']) ids.push((await ok(seed.client, 'createMission', { title, goal: `${title} goal` })).mission.id);
    await ok(seed.client, 'pauseMission', { id: ids[1] });
    const oldMissions = readOnDisk(seedFile).missions;

    const dir = fresh('v0');
    mkdirSync(dir);
    const file = join(dir, 'missions.json');
    const v0 = Buffer.from(`${JSON.stringify({ missions: oldMissions }, null, 2)}\n`);
    expect(v0.toString()).not.toContain('"version"');
    writeFileSync(file, v0, { mode: 0o600 });

    const { client } = await inMemoryOver(file);
    expect((await ok(client, 'listMissions', {})).total).toBe(3);
    expect((await ok(client, 'getMission', { id: ids[1] })).mission.status).toBe('paused');
    // A failed write does not migrate either.
    expect((await call(client, 'updateMission', { id: 'msn_AAAAAAAAAAAAAAAAAAAA', title: 'x' })).body.error.code).toBe('not_found');
    expect(readFileSync(file).equals(v0), 'reads leave a v0 file as it is').toBe(true);
    expect(readdirSync(dir)).toEqual(['missions.json']);

    const { mission } = await ok(client, 'createMission', { title: 'New one', goal: 'Written after the migration.' });
    const backup = join(dir, 'missions.json.v0.bak');
    expect(existsSync(backup)).toBe(true);
    expect(readFileSync(backup).equals(v0), 'the backup is byte-identical to the v0 file').toBe(true);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.version).toBe(3);
    expect(doc.missions.map((m: { id: string }) => m.id)).toEqual([...ids, mission.id]);
    expect(doc.missions.slice(0, 3)).toEqual(oldMissions);

    // Later writes do not back up again, and the migrated file is read back as the current version.
    await ok(client, 'resumeMission', { id: ids[1] });
    await lockLetGo(file); // kept for a next write, then let go
    expect(readdirSync(dir).sort()).toEqual(['missions.json', 'missions.json.journal', 'missions.json.v0.bak']);
    const reader = await stdioOver(['--store', file]);
    expect((await ok(reader.client, 'listMissions', {})).total).toBe(4);
    console.log(`v0 migration: ${oldMissions.length} old missions kept, backup ${readFileSync(backup).length} bytes`);
  }, 60_000);

  it('a v0 file migrated by a stdio process: backup written, stderr says so', async () => {
    const dir = fresh('v0-stdio');
    mkdirSync(dir);
    const file = join(dir, 'missions.json');
    const v0 = Buffer.from('{"missions":[]}');
    writeFileSync(file, v0);
    const h = await stdioOver(['--store', file]);
    await ok(h.client, 'createMission', { title: 'After migration', goal: 'g' });
    expect(readFileSync(join(dir, 'missions.json.v0.bak')).equals(v0)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(3);
    expect(h.stderr()).toMatch(/migrated/);
  }, 60_000);

  it('the migration line goes through the logger the store is given, not straight to stderr', async () => {
    const dir = fresh('v0-log');
    mkdirSync(dir);
    const file = join(dir, 'missions.json');
    writeFileSync(file, '{"missions":[]}');
    const lines: string[] = [];
    const h = await connectInMemory({ store: openJsonFileStore(file, { log: (line) => lines.push(line) }) });
    open.push(h);
    await ok(h.client, 'createMission', { title: 'After migration', goal: 'g' });
    expect(lines).toEqual([`migrated ${file} from format version 0; the old file is kept as ${file}.v0.bak`]);
  }, 60_000);

  it('a version-1 file (the whole-file engine, no journal) is read as it is, and migrated to 2 with a .v1.bak at the first write, so that builds of version 1 refuse it from then on', async () => {
    const seedFile = join(fresh('v1-seed'), 'seed.json');
    const seed = await inMemoryOver(seedFile);
    const first = (await ok(seed.client, 'createMission', { title: 'Kept from v1', goal: 'g' })).mission.id;
    const oldMissions = readOnDisk(seedFile).missions;
    const dir = fresh('v1');
    mkdirSync(dir);
    const file = join(dir, 'missions.json');
    const v1 = Buffer.from(`${JSON.stringify({ version: 1, missions: oldMissions }, null, 2)}\n`); // as version 1 wrote it
    writeFileSync(file, v1, { mode: 0o600 });

    const h = await stdioOver(['--store', file]);
    expect((await ok(h.client, 'getMission', { id: first })).mission.title).toBe('Kept from v1');
    expect(readFileSync(file).equals(v1), 'reads leave it as it is').toBe(true);
    const { mission } = await ok(h.client, 'createMission', { title: 'After', goal: 'g' });
    expect(readFileSync(join(dir, 'missions.json.v1.bak')).equals(v1)).toBe(true);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.version).toBe(3);
    expect(doc.missions.map((m: { id: string }) => m.id)).toEqual([first, mission.id]);
    expect(h.stderr()).toMatch(/migrated .* from format version 1/);
  }, 60_000);
});

describe('store file: a failed call changes nothing', () => {
  it('invalid_request, not_found and conflict leave the file byte-identical (and not rewritten)', async () => {
    const file = join(fresh('failed'), 'missions.json');
    const { client } = await inMemoryOver(file);
    const a = (await ok(client, 'createMission', { title: 'Alpha', goal: 'g', schedule: { type: 'cron', value: '0 9 * * *' } })).mission;
    const b = (await ok(client, 'createMission', { title: 'Beta', goal: 'g' })).mission;
    const c = (await ok(client, 'createMission', { title: 'Gamma', goal: 'g', status: 'paused' })).mission;
    await ok(client, 'updateMission', { id: b.id, status: 'running' });
    await ok(client, 'updateMission', { id: a.id, status: 'completed' });

    const journal = `${file}.journal`;
    const filesBytes = () => Buffer.concat([readFileSync(file), Buffer.from('\0'), readFileSync(journal)]);
    const bytes = filesBytes();
    const ino = inode(file);
    const mtime = statSync(file, { bigint: true }).mtimeNs;
    const journalMtime = statSync(journal, { bigint: true }).mtimeNs;
    const missing = 'msn_AAAAAAAAAAAAAAAAAAAA';
    const failing: [string, Record<string, unknown>, string][] = [
      ['createMission', {}, 'invalid_request'],
      ['createMission', { title: 'T', goal: 'G', colour: 'red' }, 'invalid_request'],
      ['createMission', { title: 'T', goal: 'G', schedule: { type: 'cron', value: 'not a cron' } }, 'invalid_request'],
      ['createMission', { title: 'T', goal: 'G', status: 'running' }, 'invalid_request'],
      ['updateMission', { id: b.id, schedule: { type: 'cron', value: '61 * * * *' } }, 'invalid_request'],
      ['updateMission', { id: b.id, title: 'ok', unknownField: 1 }, 'invalid_request'],
      ['getMission', { id: missing }, 'not_found'],
      ['updateMission', { id: missing, title: 'x' }, 'not_found'],
      ['deleteMission', { id: missing }, 'not_found'],
      ['pauseMission', { id: missing }, 'not_found'],
      ['resumeMission', { id: missing }, 'not_found'],
      ['deleteMission', { id: b.id }, 'conflict'], // running, no force
      ['pauseMission', { id: a.id }, 'conflict'], // completed -> paused is not allowed
      ['updateMission', { id: c.id, status: 'running' }, 'conflict'], // paused -> running is not allowed
      ['updateMission', { id: a.id, title: 'Renamed', status: 'failed' }, 'conflict'], // the valid part is not applied either
    ];
    for (const [name, args, code] of failing) {
      const answer = await call(client, name, args);
      expect(answer.isError, `${name} ${JSON.stringify(args)}: ${answer.text}`).toBe(true);
      expect(answer.body.error.code, `${name} ${JSON.stringify(args)}`).toBe(code);
      expect(filesBytes().equals(bytes), `${name} ${JSON.stringify(args)} left the snapshot and journal byte-identical`).toBe(true);
    }
    // Successful calls that change nothing do not rewrite the file either.
    await ok(client, 'pauseMission', { id: c.id });
    await ok(client, 'updateMission', { id: b.id, title: 'Beta' });
    expect(filesBytes().equals(bytes)).toBe(true);
    expect(inode(file)).toBe(ino);
    expect(statSync(file, { bigint: true }).mtimeNs).toBe(mtime);
    expect(statSync(journal, { bigint: true }).mtimeNs).toBe(journalMtime);
    expect(readdirSync(dirname(file)).sort()).toEqual(['missions.json', 'missions.json.journal']);
    expect((await ok(client, 'getMission', { id: a.id })).mission.title).toBe('Alpha');
  });
});

describe('store file: location', () => {
  const createOne = async (h: Harness) => (await ok(h.client, 'createMission', { title: 'Where am I?', goal: 'Find the store.' })).mission.id as string;
  const idsIn = (file: string): string[] => readOnDisk(file).missions.map((m) => m.id);

  it.skipIf(process.platform !== 'linux')('without --store: $XDG_DATA_HOME/missions-mcp/missions.json', async () => {
    const root = fresh('xdg');
    const home = join(root, 'home');
    const xdg = join(root, 'xdg-data');
    mkdirSync(home, { recursive: true });
    const h = await stdioOver([], { HOME: home, XDG_DATA_HOME: xdg });
    const expected = join(xdg, 'missions-mcp', 'missions.json');
    expect(existsSync(expected)).toBe(false);
    const id = await createOne(h);
    expect(idsIn(expected)).toEqual([id]);
    expect((statSync(expected).mode & 0o777).toString(8)).toBe('600');
    expect(readdirSync(home), 'nothing written under HOME when XDG_DATA_HOME is set').toEqual([]);
  }, 60_000);

  it.skipIf(process.platform !== 'linux')('without --store and XDG_DATA_HOME: ~/.local/share/missions-mcp/missions.json', async () => {
    const home = fresh('home');
    mkdirSync(home);
    const h = await stdioOver([], { HOME: home });
    const id = await createOne(h);
    expect(idsIn(join(home, '.local', 'share', 'missions-mcp', 'missions.json'))).toEqual([id]);
  }, 60_000);

  it('MISSIONS_STORE=<path> puts the file at that path', async () => {
    const root = fresh('env');
    const home = join(root, 'home');
    mkdirSync(home, { recursive: true });
    const file = join(root, 'from-env', 'store.json');
    const h = await stdioOver([], { HOME: home, XDG_DATA_HOME: join(root, 'xdg'), MISSIONS_STORE: file });
    const id = await createOne(h);
    expect(idsIn(file)).toEqual([id]);
    expect(existsSync(join(root, 'xdg')), 'the default location is not used').toBe(false);
    expect(readdirSync(home)).toEqual([]);
  }, 60_000);

  it('--store wins over MISSIONS_STORE', async () => {
    const root = fresh('flag');
    const home = join(root, 'home');
    mkdirSync(home, { recursive: true });
    const fromEnv = join(root, 'from-env', 'store.json');
    const fromFlag = join(root, 'from-flag', 'store.json');
    const h = await stdioOver(['--store', fromFlag], { HOME: home, XDG_DATA_HOME: join(root, 'xdg'), MISSIONS_STORE: fromEnv });
    const id = await createOne(h);
    expect(idsIn(fromFlag)).toEqual([id]);
    expect(existsSync(dirname(fromEnv))).toBe(false);
    expect(existsSync(join(root, 'xdg'))).toBe(false);
  }, 60_000);

  it('a relative --store is resolved against the working directory of the process', async () => {
    const root = fresh('relative');
    mkdirSync(root);
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, '--store', 'rel/missions.json'],
      env: { PATH: process.env.PATH ?? '', HOME: root },
      cwd: root,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'missions-test', version: '1.0.0' });
    await client.connect(transport);
    open.push({ client, close: () => client.close() });
    const id = await createOne({ client, close: async () => undefined });
    expect(idsIn(join(root, 'rel', 'missions.json'))).toEqual([id]);
  }, 60_000);
});

describe('store: a folder that cannot be created', () => {
  it('answers store_error naming the path and what to do, not internal', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const blocker = join(dir, 'not-a-folder');
      writeFileSync(blocker, 'a file where the store folder should be');
      const h = await connectInMemory({ store: openJsonFileStore(join(blocker, 'missions.json')) });
      const answer = await call(h.client, 'createMission', { title: 'T', goal: 'G' });
      expect(answer.body.error.code).toBe('store_error');
      expect(answer.body.error.message).toContain(blocker);
      expect(answer.body.error.message).toMatch(/--store/);
      expect(readFileSync(blocker, 'utf8')).toBe('a file where the store folder should be');
      await h.close();
    } finally {
      cleanup();
    }
  });
});
