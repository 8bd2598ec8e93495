// npm run bench: the store engine measured through the real server over stdio, against the physical
// floor (a no-op tool call on a bare SDK server, and one fdatasync'd append) and against the reference
// peer @modelcontextprotocol/server-memory, all in the same run. Prints one table; never asserts.
//
// BENCH_SIZES=0,1000,10000,100000 (default) picks the store sizes; BENCH_QUICK=1 runs fewer calls.
import { closeSync, createWriteStream, existsSync, fdatasyncSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newMission } from '../src/mission/build.js';
import { CreateMissionInput } from '../src/mission/input.js';
import type { Mission } from '../src/mission/model.js';
import { serializeDocument } from '../src/store/document.js';
import { newImportId, newMissionId } from '../src/ids.js';
import { realisticMissions } from '../test/fixtures/missions.js';
import { coldStart, fmt, mb, spawnPeer, summarize, timeEach, type Summary } from './measure.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '..', '..');
const BIN = join(ROOT, 'dist', 'src', 'bin.js');
const NOOP = join(here, 'noop-server.js');
const MEMORY = join(ROOT, 'node_modules', '@modelcontextprotocol', 'server-memory', 'dist', 'index.js');
const NODE = process.execPath;

const SIZES = (process.env.BENCH_SIZES ?? '0,1000,10000,100000').split(',').map(Number);
const QUICK = process.env.BENCH_QUICK === '1';
const CALLS = QUICK ? 60 : 300;

const work = mkdtempSync(join(tmpdir(), 'missions-bench-'));
const rows: string[][] = [];
const row = (...cells: (string | number)[]) => rows.push(cells.map(String));
const log = (line: string) => process.stderr.write(`${line}\n`);

// --- seeding ----------------------------------------------------------------------------------

const inputs = realisticMissions(30).map((raw) => CreateMissionInput.parse(raw));
const owner = { user: 'local', org: null };

function makeMissions(count: number): Mission[] {
  const out: Mission[] = [];
  const base = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < count; i++) {
    const input = { ...inputs[i % inputs.length]!, title: `Mission ${i}` };
    out.push(newMission(input, { now: new Date(base + i * 1000), newImportId, id: newMissionId(), owner }));
  }
  return out;
}

async function seedStore(file: string, count: number): Promise<Mission[]> {
  const missions = makeMissions(count);
  if (count === 0) return missions;
  const out = createWriteStream(file, { mode: 0o600 });
  for (const chunk of serializeDocument({ version: 1, seq: 0, missions, runs: [], workers: [] })) if (!out.write(chunk)) await once(out, 'drain');
  out.end();
  await once(out, 'close');
  return missions;
}

async function seedMemoryGraph(file: string, count: number): Promise<void> {
  if (count === 0) return;
  const out = createWriteStream(file);
  const observation = inputs[0]!.goal;
  for (let i = 0; i < count; i++) {
    const line = JSON.stringify({ type: 'entity', name: `entity-${i}`, entityType: 'mission', observations: [observation] });
    if (!out.write(i === count - 1 ? line : `${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}

// --- the floor --------------------------------------------------------------------------------

function appendFloor(times: number): Summary {
  const file = join(work, 'append-floor.log');
  const fd = openSync(file, 'a', 0o600);
  const line = Buffer.from(`${JSON.stringify({ seq: 1, put: [makeMissions(1)[0]] })}\n`);
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    writeSync(fd, line);
    fdatasyncSync(fd);
    samples.push(performance.now() - t);
  }
  closeSync(fd);
  return summarize(samples);
}

// --- our server -------------------------------------------------------------------------------

const createArgs = (i: number) => ({ ...realisticMissions(3)[i % 3], title: `Bench create ${i}`, mode: 'compact' });

async function measureOurs(size: number, floor: { noop: Summary; append: Summary }) {
  const file = join(work, `ours-${size}`, 'missions.json');
  mkdirSync(dirname(file), { recursive: true });
  const seeded = await seedStore(file, size);
  const start = await coldStart(NODE, [BIN, '--store', file]);
  const peer = start.peer;
  const rssStart = peer.rssMb();
  for (let i = 0; i < 50; i++) await peer.call('listMissions', { limit: 1, mode: 'compact' }); // warm up, as for the no-op
  for (let i = 0; i < 20; i++) await peer.call('createMission', createArgs(i));
  const create = await timeEach(CALLS, (i) => peer.call('createMission', createArgs(i)));
  const ids = seeded.length > 0 ? seeded.map((m) => m.id) : [];
  if (ids.length === 0) {
    const list = await peer.call('listMissions', { limit: 100, mode: 'compact' });
    ids.push(...list.missions.map((m: { id: string }) => m.id));
  }
  const get = await timeEach(CALLS, (i) => peer.call('getMission', { id: ids[(i * 7919) % ids.length] }));
  const getCompact = await timeEach(CALLS, (i) => peer.call('getMission', { id: ids[(i * 7919) % ids.length], mode: 'compact' }));
  const listCompact = await timeEach(CALLS, () => peer.call('listMissions', { mode: 'compact' }));
  const listFull = await timeEach(CALLS, () => peer.call('listMissions', {}));
  const listFiltered = await timeEach(CALLS, () => peer.call('listMissions', { status: 'active', query: 'digest', mode: 'compact' }));

  // Cross-process: A writes, then B reads that mission. B's read is what is timed.
  const other = await spawnPeer(NODE, [BIN, '--store', file]);
  await other.call('listMissions', { limit: 1, mode: 'compact' });
  const crossSamples: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const id = ids[(i * 104729) % ids.length];
    await other.call('updateMission', { id, stats: { benchReads: i }, mode: 'compact' });
    const t = performance.now();
    const got = await peer.call('getMission', { id, mode: 'compact' });
    crossSamples.push(performance.now() - t);
    if (got.mission.id !== id) throw new Error('cross-process read returned the wrong mission');
  }
  const cross = summarize(crossSamples);
  // The same alternation between two processes with nothing written: what waking an idle process costs.
  const idleSamples: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const id = ids[(i * 104729) % ids.length];
    await other.call('getMission', { id, mode: 'compact' });
    const t = performance.now();
    await peer.call('getMission', { id, mode: 'compact' });
    idleSamples.push(performance.now() - t);
  }
  const crossIdle = summarize(idleSamples);
  await other.close();

  // Group commit: 16 callers in parallel into one process, each creating in a loop.
  const perCaller = QUICK ? 25 : 125;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async (_, c) => {
      for (let i = 0; i < perCaller; i++) await peer.call('createMission', { title: `Parallel ${c}-${i}`, goal: 'Group commit.', mode: 'compact' });
    }),
  );
  const perSecond = (16 * perCaller) / ((performance.now() - t0) / 1000);
  const rssEnd = peer.rssMb();
  await peer.close();
  const journal = `${file}.journal`;
  const sizes = `${mb(statSync(file).size)} + ${existsSync(journal) ? mb(statSync(journal).size) : '0'} journal`;
  return { size, cold: start.ms, create, get, getCompact, listCompact, listFull, listFiltered, cross, crossIdle, perSecond, rssStart, rssEnd, sizes, floor };
}

/** createMission on the same server with `--store :memory:`: the call without the file store, to split the create row. */
async function measureMemoryCreate(): Promise<Summary> {
  const peer = await spawnPeer(NODE, [BIN, '--store', ':memory:']);
  for (let i = 0; i < 50; i++) await peer.call('listMissions', { limit: 1, mode: 'compact' });
  for (let i = 0; i < 20; i++) await peer.call('createMission', createArgs(i));
  const create = await timeEach(CALLS, (i) => peer.call('createMission', createArgs(i)));
  await peer.close();
  return create;
}

async function measureMemoryPeer(size: number) {
  const file = join(work, `memory-${size}.jsonl`);
  await seedMemoryGraph(file, size);
  const peer = await spawnPeer(NODE, [MEMORY], { MEMORY_FILE_PATH: file });
  const observation = inputs[0]!.goal;
  const create = await timeEach(Math.min(CALLS, size >= 10000 ? 100 : CALLS), (i) =>
    peer.call('create_entities', { entities: [{ name: `bench-${i}`, entityType: 'mission', observations: [observation] }] }),
  );
  await peer.close();
  return create;
}

// --- main -------------------------------------------------------------------------------------

async function main() {
  log(`missions-mcp store benchmark: sizes ${SIZES.join(', ')}; ${CALLS} calls per figure; Node ${process.version}; work dir ${work}`);
  const noopStart = await coldStart(NODE, [NOOP]);
  const noopPeer = noopStart.peer;
  for (let i = 0; i < 200; i++) await noopPeer.call('noop'); // warm up
  const noop = await timeEach(CALLS * 3, () => noopPeer.call('noop'));
  await noopPeer.close();
  const append = appendFloor(CALLS);
  const unit = noop.p50 + append.p50;
  log(`floor: no-op call p50 ${fmt(noop.p50)} ms, fdatasync'd append p50 ${fmt(append.p50)} ms`);
  const memoryCreate = await measureMemoryCreate();
  log(`createMission on --store :memory: p50 ${fmt(memoryCreate.p50)} ms`);

  const ours: Awaited<ReturnType<typeof measureOurs>>[] = [];
  for (const size of SIZES) {
    log(`measuring missions-mcp at ${size} missions…`);
    ours.push(await measureOurs(size, { noop, append }));
  }
  const theirs = new Map<number, Summary>();
  for (const size of SIZES.filter((s) => s <= 10000)) {
    log(`measuring server-memory at ${size} entities…`);
    theirs.set(size, await measureMemoryPeer(size));
  }

  row('figure', ...ours.map((o) => `${o.size.toLocaleString('en')} missions`));
  const line = (name: string, pick: (o: (typeof ours)[number]) => string) => row(name, ...ours.map(pick));
  const p = (s: Summary) => `${fmt(s.p50)} / ${fmt(s.p99)}`;
  line('createMission p50 / p99 ms', (o) => p(o.create));
  line('  p50 ÷ (no-op + append) [target ≤ 3×]', (o) => `${(o.create.p50 / unit).toFixed(2)}×`);
  line('  the same create on --store :memory: p50 ms', () => fmt(memoryCreate.p50));
  line('  what the file store adds (p50 − :memory:) ms', (o) => fmt(o.create.p50 - memoryCreate.p50));
  line('getMission full p50 / p99 ms', (o) => p(o.get));
  line('getMission compact p50 / p99 ms', (o) => p(o.getCompact));
  line('  compact p50 ÷ no-op [target ≤ 2×]', (o) => `${(o.getCompact.p50 / noop.p50).toFixed(2)}×`);
  line('listMissions compact, 20 p50 / p99 ms', (o) => p(o.listCompact));
  line('  compact p50 ÷ no-op [target ≤ 2×]', (o) => `${(o.listCompact.p50 / noop.p50).toFixed(2)}×`);
  line('listMissions full, 20 p50 / p99 ms', (o) => p(o.listFull));
  line('listMissions filtered (status+query) p50 ms', (o) => fmt(o.listFiltered.p50));
  line('read in B right after A wrote p50 / p99 ms', (o) => p(o.cross));
  line('  p50 ÷ no-op [target ≤ 3×]', (o) => `${(o.cross.p50 / noop.p50).toFixed(2)}×`);
  line('same alternation, nothing written p50 ms', (o) => fmt(o.crossIdle.p50));
  line('  read after a write ÷ read after none', (o) => `${(o.cross.p50 / o.crossIdle.p50).toFixed(2)}×`);
  line('16 parallel callers: durable creates/s [≥ 2,000]', (o) => Math.round(o.perSecond).toLocaleString('en'));
  line('cold start to first tools/list ms', (o) => fmt(o.cold));
  line('RSS after start / at end MB', (o) => `${o.rssStart.toFixed(0)} / ${o.rssEnd.toFixed(0)}`);
  line('files at end', (o) => o.sizes);
  line('server-memory create_entities p50 / p99 ms', (o) => (theirs.has(o.size) ? p(theirs.get(o.size)!) : '—'));
  line('  ours ÷ theirs (create p50)', (o) => (theirs.has(o.size) ? `${(o.create.p50 / theirs.get(o.size)!.p50).toFixed(2)}×` : '—'));

  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const print = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  const out = [print(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(print)];
  process.stdout.write(`\nFloor, same run: no-op tool call on a bare SDK server over stdio p50 ${fmt(noop.p50)} ms (p99 ${fmt(noop.p99)}); ` +
    `one ${(Buffer.byteLength(JSON.stringify(makeMissions(1)[0])) / 1024).toFixed(1)} KB append + fdatasync p50 ${fmt(append.p50)} ms; ` +
    `bare SDK server cold start to first tools/list ${fmt(noopStart.ms)} ms.\n\n${out.join('\n')}\n`);
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
