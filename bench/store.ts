// npm run bench: the store engine measured through the real server over stdio, against the physical
// floor (a no-op tool call on a bare SDK server, and one fdatasync'd append) and against the reference
// peer @modelcontextprotocol/server-memory, all in the same run. Prints one table; never asserts.
// Then a second table: listMissions over Streamable HTTP as the local user and as a token user.
//
// BENCH_SIZES=0,1000,10000,100000 (default) picks the store sizes; BENCH_QUICK=1 runs fewer calls.
// Stores are seeded in today's format; the cold start is timed again on a version-1 file of the same
// missions (the migration path, which a store takes once). A server answers tools/list before its
// store has loaded, so the cold start is also timed to the first answered listMissions.
import { closeSync, createWriteStream, existsSync, fdatasyncSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { Client as ModernClient, StreamableHTTPClientTransport as ModernHttpTransport } from '@modelcontextprotocol/client';
import { z } from 'zod';
import { newMission } from '../src/mission/build.js';
import { cursorAfter } from '../src/mission/query.js';
import { openJsonFileStore } from '../src/store/index.js';
import { CreateMissionInput } from '../src/mission/input.js';
import type { Mission } from '../src/mission/model.js';
import { FORMAT_VERSION, serializeDocument } from '../src/store/document.js';
import { newImportId, newMissionId } from '../src/ids.js';
import { realisticMissions } from '../test/fixtures/missions.js';
import { coldStart, fmt, mb, serveHttp, spawnPeer, summarize, timeEach, type Summary } from './measure.js';

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

/** Writes `missions` as a snapshot in format `version`: today's (FORMAT_VERSION), or 1 to time the migration path. */
async function writeStore(file: string, missions: Mission[], version: number): Promise<void> {
  if (missions.length === 0) return;
  mkdirSync(dirname(file), { recursive: true });
  const out = createWriteStream(file, { mode: 0o600 });
  for (const chunk of serializeDocument({ version, seq: 0, missions, runs: [], workers: [] })) if (!out.write(chunk)) await once(out, 'drain');
  out.end();
  await once(out, 'close');
}

/**
 * Spawn, first tools/list (what a client waits for before it can work), then the first answered
 * listMissions (what it waits for before it sees a mission: the store loads in the background), with
 * the server's RSS at each.
 */
async function coldStartToList(file: string) {
  const t = performance.now();
  const start = await coldStart(NODE, [BIN, '--store', file]);
  const rssAtToolsList = start.peer.rssMb();
  await start.peer.call('listMissions', { limit: 1, mode: 'compact' });
  return { peer: start.peer, toolsList: start.ms, firstList: performance.now() - t, rssAtToolsList, rssLoaded: start.peer.rssMb() };
}

/** Cold start on a version-1 file of the same missions: the migration path, which a store takes once. */
async function coldStartMigrating(file: string) {
  const cold = await coldStartToList(file);
  await cold.peer.close();
  rmSync(dirname(file), { recursive: true, force: true });
  return cold;
}

/**
 * Writes `count` missions as `file` (today's format) and as `v1` (version 1), and returns their ids:
 * the missions themselves are let go before anything is timed, so that this process's own garbage
 * collection of them does not land in a measurement.
 */
async function seedStores(file: string, v1: string, count: number): Promise<string[]> {
  const missions = makeMissions(count);
  await writeStore(file, missions, FORMAT_VERSION);
  await writeStore(v1, missions, 1);
  return missions.map((m) => m.id);
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
  const v1File = join(dirname(file), 'v1', 'missions.json');
  const ids = await seedStores(file, v1File, size);
  const v1 = await coldStartMigrating(v1File);
  const start = await coldStartToList(file);
  const peer = start.peer;
  for (let i = 0; i < 50; i++) await peer.call('listMissions', { limit: 1, mode: 'compact' }); // warm up, as for the no-op
  for (let i = 0; i < 20; i++) await peer.call('createMission', createArgs(i));
  const create = await timeEach(CALLS, (i) => peer.call('createMission', createArgs(i)));
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
  return { size, cold: start, v1, create, get, getCompact, listCompact, listFull, listFiltered, cross, crossIdle, perSecond, rssEnd, sizes, floor };
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

// --- lists as an HTTP user: the visibility filter and deep cursors ------------------------------

/** Owners for the visibility store: a quarter each alice@acme's own (mixed visibility), acme's organization missions, public ones, other people's private ones. */
function visibilityMissions(count: number): Mission[] {
  const base = Date.parse('2026-01-01T00:00:00Z');
  const kinds = [
    (i: number) => ({ owner: { user: 'alice', org: 'acme' }, visibility: (['private', 'organization', 'public'] as const)[Math.floor(i / 4) % 3]! }),
    () => ({ owner: { user: 'bob', org: 'acme' }, visibility: 'organization' as const }),
    () => ({ owner: { user: 'carol', org: 'globex' }, visibility: 'public' as const }),
    () => ({ owner: { user: 'dave', org: 'globex' }, visibility: 'private' as const }),
  ];
  return Array.from({ length: count }, (_, i) => {
    const { owner: who, visibility } = kinds[i % 4]!(i);
    const input = { ...inputs[i % inputs.length]!, title: `Mission ${i}`, visibility };
    return newMission(input, { now: new Date(base + i * 1000), newImportId, id: newMissionId(), owner: who });
  });
}

/** One Streamable HTTP session; `call` as Peer.call (no client-side output-schema check). */
async function httpSession(origin: string, token?: string) {
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', origin), token ? { requestInit: { headers: { authorization: `Bearer ${token}` } } } : {});
  const client = new Client({ name: 'missions-bench', version: '1.0.0' });
  await client.connect(transport);
  return {
    async call(name: string, args: Record<string, unknown>): Promise<any> {
      const result = await client.request({ method: 'tools/call', params: { name, arguments: args } }, CallToolResultSchema);
      if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
      return result.structuredContent;
    },
    close: async () => (await transport.terminateSession().catch(() => undefined), await client.close()),
  };
}

/**
 * listMissions over Streamable HTTP on one store, served twice by the built server: without tokens
 * (loopback: the local user, who sees everything) and with an auth file (alice of acme, who sees
 * three quarters of it). First page and a page at a cursor in the middle of the store, compact.
 */
async function listsAsHttpUsers(): Promise<string> {
  const lines: string[][] = [['figure', ...SIZES.map((s) => `${s.toLocaleString('en')} missions`)]];
  const cells: Summary[][] = [];
  const token = 'bench-token-alice-0123456789abcdef';
  for (const size of SIZES) {
    log(`measuring listMissions over HTTP, local user and token user, at ${size} missions…`);
    const file = join(work, `http-${size}`, 'missions.json');
    mkdirSync(dirname(file), { recursive: true });
    const auth = join(work, `http-${size}`, 'auth.json');
    writeFileSync(auth, JSON.stringify({ tokens: [{ token, user: 'alice', org: 'acme' }] }), { mode: 0o600 });
    const missions = visibilityMissions(size);
    const seeding = openJsonFileStore(file, { log: () => undefined });
    for (let i = 0; i < missions.length; i += 5000) {
      const batch = missions.slice(i, i + 5000);
      await seeding.write(() => ({ put: batch, result: null }));
    }
    await seeding.close();
    // A cursor right after the middle mission (newest first, no filters), as the server makes it.
    const middle = missions[Math.floor(size / 2)];
    const deep = middle ? { cursor: cursorAfter({}, middle), mode: 'compact' } : { mode: 'compact' };
    // Both servers run at once and take turns, call by call, so that both see the same machine.
    const local = await serveHttp(NODE, BIN, file);
    const tokened = await serveHttp(NODE, BIN, file, ['--auth-file', auth]);
    const sessions = [await httpSession(local.origin), await httpSession(tokened.origin, token)];
    const figures: Summary[] = [];
    try {
      for (let i = 0; i < 100; i++) for (const session of sessions) await session.call('listMissions', i % 2 ? deep : { mode: 'compact' }); // warm up
      for (const args of [{ mode: 'compact' }, deep, { status: 'active', query: 'digest', mode: 'compact' }]) {
        const samples: number[][] = [[], []];
        for (let i = 0; i < CALLS; i++) {
          for (const [k, session] of sessions.entries()) {
            const t = performance.now();
            await session.call('listMissions', args);
            samples[k]!.push(performance.now() - t);
          }
        }
        figures.push(summarize(samples[0]!), summarize(samples[1]!));
      }
    } finally {
      for (const session of sessions) await session.close();
      await Promise.all([local.stop(), tokened.stop()]);
    }
    cells.push(figures);
  }
  const names = ['first page (20)', 'page at a middle cursor', 'filtered (status+query)'];
  names.forEach((name, k) => {
    lines.push([`listMissions compact, ${name}: local / token user p50 ms`, ...cells.map((c) => `${fmt(c[2 * k]!.p50)} / ${fmt(c[2 * k + 1]!.p50)}`)]);
    lines.push(['  token user ÷ local user [target ≤ 2×]', ...cells.map((c) => `${(c[2 * k + 1]!.p50 / c[2 * k]!.p50).toFixed(2)}×`)]);
  });
  const widths = lines[0]!.map((_, c) => Math.max(...lines.map((r) => r[c]!.length)));
  const print = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [print(lines[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.slice(1).map(print)].join('\n');
}

/** One 2026-07-28 client (SDK v2, pinned): no session; every call is a request on its own. */
async function modernClient(origin: string) {
  const client = new ModernClient({ name: 'missions-bench', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new ModernHttpTransport(new URL('/mcp', origin)));
  const AnyResult = z.looseObject({ isError: z.boolean().optional(), structuredContent: z.unknown().optional(), content: z.array(z.unknown()) });
  return {
    async call(name: string, args: Record<string, unknown>): Promise<any> {
      const result = await client.request({ method: 'tools/call', params: { name, arguments: args } }, AnyResult);
      if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
      return result.structuredContent;
    },
    close: () => client.close(),
  };
}

/**
 * Issue 19: what statelessness costs per request. One server, one store of 1,000 missions; a 2025
 * Streamable HTTP session (SDK v1 on both ends: the session's server is made once) and a 2026-07-28
 * client (SDK v2 on both ends: a server is made for every request, no session to look up) take
 * turns, call by call, on the same tools.
 */
async function modernVersusSession(): Promise<string> {
  log('measuring a 2026-07-28 stateless tools/call against a 2025 session call…');
  const file = join(work, 'eras', 'missions.json');
  mkdirSync(dirname(file), { recursive: true });
  const seeding = openJsonFileStore(file, { log: () => undefined });
  const missions = visibilityMissions(1000);
  await seeding.write(() => ({ put: missions, result: null }));
  await seeding.close();
  const server = await serveHttp(NODE, BIN, file);
  const session = await httpSession(server.origin);
  const modern = await modernClient(server.origin);
  const id = missions[500]!.id;
  const lines: string[][] = [['tools/call over HTTP, same run, turn by turn', '2025 session p50 / p99 ms', '2026-07-28 stateless p50 / p99 ms', 'stateless ÷ session (p50)']];
  try {
    for (let i = 0; i < 100; i++) for (const c of [session, modern]) await c.call('getMission', { id, mode: 'compact' }); // warm up
    for (const [label, name, args] of [
      ['getMission compact', 'getMission', { id, mode: 'compact' }],
      ['listMissions compact, 20', 'listMissions', { mode: 'compact' }],
    ] as const) {
      const samples: number[][] = [[], []];
      for (let i = 0; i < CALLS; i++) {
        for (const [k, c] of [session, modern].entries()) {
          const t = performance.now();
          await c.call(name, args);
          samples[k]!.push(performance.now() - t);
        }
      }
      const [a, b] = [summarize(samples[0]!), summarize(samples[1]!)];
      lines.push([label, `${fmt(a.p50)} / ${fmt(a.p99)}`, `${fmt(b.p50)} / ${fmt(b.p99)}`, `${(b.p50 / a.p50).toFixed(2)}×`]);
    }
  } finally {
    await session.close();
    await modern.close();
    await server.stop();
  }
  const widths = lines[0]!.map((_, c) => Math.max(...lines.map((r) => r[c]!.length)));
  const print = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [print(lines[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.slice(1).map(print)].join('\n');
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
  line('cold start to first tools/list ms [≤ 1,000 at 100k]', (o) => fmt(o.cold.toolsList));
  line('cold start to first answered listMissions ms', (o) => fmt(o.cold.firstList));
  line('  the same from a version-1 file (migration): tools/list / listMissions ms', (o) => `${fmt(o.v1.toolsList)} / ${fmt(o.v1.firstList)}`);
  line('RSS at first tools/list / loaded / at end MB [≤ 300 / 350 at 100k]', (o) => `${o.cold.rssAtToolsList.toFixed(0)} / ${o.cold.rssLoaded.toFixed(0)} / ${o.rssEnd.toFixed(0)}`);
  line('  RSS loaded from a version-1 file MB', (o) => o.v1.rssLoaded.toFixed(0));
  line('files at end', (o) => o.sizes);
  line('server-memory create_entities p50 / p99 ms', (o) => (theirs.has(o.size) ? p(theirs.get(o.size)!) : '—'));
  line('  ours ÷ theirs (create p50)', (o) => (theirs.has(o.size) ? `${(o.create.p50 / theirs.get(o.size)!.p50).toFixed(2)}×` : '—'));

  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const print = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  const out = [print(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(print)];
  process.stdout.write(`\nFloor, same run: no-op tool call on a bare SDK server over stdio p50 ${fmt(noop.p50)} ms (p99 ${fmt(noop.p99)}); ` +
    `one ${(Buffer.byteLength(JSON.stringify(makeMissions(1)[0])) / 1024).toFixed(1)} KB append + fdatasync p50 ${fmt(append.p50)} ms; ` +
    `bare SDK server cold start to first tools/list ${fmt(noopStart.ms)} ms.\n\n${out.join('\n')}\n`);
  process.stdout.write(`\nBoth protocol eras on one server (issue 19), ${CALLS} calls each, taking turns:\n\n${await modernVersusSession()}\n`);
  process.stdout.write(`\nlistMissions over Streamable HTTP, one store served twice (no tokens: the local user; an auth file: alice of acme, who sees 3/4):\n\n${await listsAsHttpUsers()}\n`);
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
