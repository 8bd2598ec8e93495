// npm run bench:abuse — issue 9's probe scenarios against the real server (the built bin over HTTP on
// 127.0.0.1, one bearer token), with bounded loops. Prints figures; never passes or fails.
//   1. flood: creates of the largest mission the bounds accept (and the maximal one they refuse),
//      then a fresh process lists them: time, RSS, store size;
//   2. listMissions full at limit 100 over those missions: answer bytes, time, pages;
//   3. many sessions from one token: status codes, RSS, /healthz;
//   4. watching sessions (resources/list) while another session writes: write latency;
//   5. the runner (issue 21, bench/runner-abuse.mjs): escape, overlap, starvation.
//   ABUSE_FLOOD=400 ABUSE_SESSIONS=2000 ABUSE_WATCHERS=1000 ABUSE_WRITES=20 node bench/abuse.mjs (after npm run build)
//   ABUSE_ONLY=runner: the runner rows alone. ABUSE_BEFORE_BIN=/path/to/other/dist/src/bin.js: the runner
//   rows also for that build's workers (e.g. main's), measured in the same way. ABUSE_OVERLAP_SECONDS=40,
//   ABUSE_SEED=N (the overlap load's seed; printed).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { maximalMissionInput } from '../dist/test/fixtures/maximal.js';
import { escapeRow, overlapRow, starvationRow } from './runner-abuse.mjs';

const FLOOD = Number(process.env.ABUSE_FLOOD ?? 400);
const SESSIONS = Number(process.env.ABUSE_SESSIONS ?? 2000);
const WATCHERS = Number(process.env.ABUSE_WATCHERS ?? 1000);
const WRITES = Number(process.env.ABUSE_WRITES ?? 20);
const ONLY = process.env.ABUSE_ONLY;
const OVERLAP_SECONDS = Number(process.env.ABUSE_OVERLAP_SECONDS ?? 40);
const SEED = Number(process.env.ABUSE_SEED ?? Math.floor(Math.random() * 2 ** 31));
const TOKEN = 'abuse-token-0123456789abcdef0123456789';
const BIN = resolve(import.meta.dirname, '..', 'dist', 'src', 'bin.js');
const dir = mkdtempSync(join(tmpdir(), 'missions-abuse-'));
const store = join(dir, 'missions.json');
const figures = [];
const note = (name, value) => {
  figures.push([name, value]);
  process.stderr.write(`  ${name}: ${value}\n`);
};
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const ms = (t) => `${Math.round(t)} ms`;
const rssMb = (pid) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return `${(Number(line.replace(/\D+/g, '')) / 1024).toFixed(0)} MB`;
};
const storeSize = () => statSync(store).size + (existsSync(`${store}.journal`) ? statSync(`${store}.journal`).size : 0);

async function startServer(extra = []) {
  const server = spawn(process.execPath, [BIN, 'serve', '--transport', 'http', '--port', '0', '--store', store, '--session-idle', '0', ...extra], {
    env: { ...process.env, MISSIONS_TOKEN: TOKEN },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  let log = '';
  const started = performance.now();
  const origin = await new Promise((ok, fail) => {
    server.stderr.on('data', (d) => {
      log += d.toString();
      const m = /listening on (http:\/\/\S+) /.exec(log);
      if (m) ok(m[1]);
    });
    server.once('exit', (code) => fail(new Error(`server exited ${code}: ${log}`)));
  });
  return { server, origin, started, stop: () => new Promise((r) => (server.once('exit', r), server.kill('SIGTERM'))) };
}

const HEADERS = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
let rpcId = 0;
/** One JSON-RPC request; the answer from a JSON or SSE body. */
async function rpc(origin, session, method, params) {
  const res = await fetch(`${origin}/mcp`, {
    method: 'POST',
    headers: { ...HEADERS, ...(session && { 'mcp-session-id': session }) },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++rpcId, method, params }),
  });
  const text = await res.text();
  const data = text.startsWith('{') ? text : text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('');
  return { status: res.status, session: res.headers.get('mcp-session-id'), body: data ? JSON.parse(data) : undefined, bytes: Buffer.byteLength(text) };
}
async function openSession(origin) {
  const r = await rpc(origin, undefined, 'initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'abuse', version: '1' } });
  if (r.status === 200) {
    await fetch(`${origin}/mcp`, { method: 'POST', headers: { ...HEADERS, 'mcp-session-id': r.session }, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
  }
  return r;
}
const callTool = (origin, session, name, args) => rpc(origin, session, 'tools/call', { name, arguments: args });
async function inParallel(count, width, fn) {
  let next = 0;
  const out = new Array(count);
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) {
      const i = next++;
      out[i] = await fn(i);
    }
  }));
  return out;
}

if (ONLY !== 'runner') {
  // 1. Flood
  process.stderr.write(`flood: ${FLOOD} creates of the largest mission the bounds accept\n`);
  let s = await startServer();
  let session = (await openSession(s.origin)).session;
  const refused = await callTool(s.origin, session, 'createMission', maximalMissionInput('x'));
  note('maximal mission (every field at its limit, ASCII)', `${refused.body.result.isError ? JSON.parse(refused.body.result.content[0].text).error.message.slice(0, 150) + '…' : 'accepted'}`);
  // The largest accepted: the maximal input without the brief's example messages.
  const largest = maximalMissionInput('x');
  largest.brief.exampleMessages = largest.brief.exampleMessages.slice(0, 10);
  let t = performance.now();
  const created = await inParallel(FLOOD, 4, async (i) => (await callTool(s.origin, session, 'createMission', { ...largest, title: `Flood ${i}`, mode: 'compact' })).body.result.isError !== true);
  note(`flood: ${FLOOD} creates of ${Math.round(Buffer.byteLength(JSON.stringify(largest)) / 1024)} KB of input each`, `${created.filter(Boolean).length} accepted in ${ms(performance.now() - t)}; server RSS ${rssMb(s.server.pid)}; store ${mb(storeSize())}`);
  await s.stop();
  s = await startServer();
  session = (await openSession(s.origin)).session;
  t = performance.now();
  let listed = await callTool(s.origin, session, 'listMissions', { mode: 'compact', limit: 1 });
  note('fresh process: start to first listMissions answered', `${ms(performance.now() - s.started)} (the list itself ${ms(performance.now() - t)}), total ${listed.body.result.structuredContent.total}, RSS ${rssMb(s.server.pid)}`);

  // 2. listMissions full at limit 100
  let cursor;
  let pages = 0;
  let biggest = 0;
  let items = 0;
  t = performance.now();
  do {
    const r = await callTool(s.origin, session, 'listMissions', { mode: 'full', limit: 100, ...(cursor && { cursor }) });
    const page = r.body.result.structuredContent;
    biggest = Math.max(biggest, r.bytes);
    items += page.missions.length;
    cursor = page.nextCursor ?? undefined;
    pages++;
    if (pages === 1) note('listMissions full, limit 100: first page', `${page.missions.length} missions, ${mb(Buffer.byteLength(r.body.result.content[0].text))} of JSON text (${mb(r.bytes)} on the wire), hasMore ${page.hasMore}, ${ms(performance.now() - t)}`);
  } while (cursor && pages < 1000);
  note('listMissions full, limit 100: every page', `${pages} pages, ${items} missions, largest answer on the wire ${mb(biggest)}, ${ms(performance.now() - t)} in all; server RSS ${rssMb(s.server.pid)}`);

  // 3. Many sessions from one token
  process.stderr.write(`sessions: ${SESSIONS} from one token\n`);
  const before = rssMb(s.server.pid);
  t = performance.now();
  const opened = await inParallel(SESSIONS, 20, () => openSession(s.origin).then((r) => r.status, () => 'error'));
  const codes = {};
  for (const c of opened) codes[c] = (codes[c] ?? 0) + 1;
  const health = await (await fetch(`${s.origin}/healthz`)).json();
  note(`${SESSIONS} sessions opened from one token`, `status codes ${JSON.stringify(codes)} in ${ms(performance.now() - t)}; RSS ${before} → ${rssMb(s.server.pid)}; /healthz ${JSON.stringify(health)}`);
  await s.stop();

  // 4. Watching sessions while another writes (session caps raised, so that all of them open)
  rmSync(dir, { recursive: true, force: true });
  s = await startServer(['--max-sessions-per-principal', '5000', '--max-sessions', '5000']);
  session = (await openSession(s.origin)).session;
  for (let i = 0; i < 200; i++) await callTool(s.origin, session, 'createMission', { title: `Watched ${i}`, goal: 'g', mode: 'compact' });
  const latency = async () => {
    const times = [];
    for (let i = 0; i < WRITES; i++) {
      const t0 = performance.now();
      await callTool(s.origin, session, 'createMission', { title: `Write ${i}`, goal: 'g', mode: 'compact' });
      times.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 100));
    }
    times.sort((a, b) => a - b);
    return `p50 ${times[Math.floor(times.length / 2)].toFixed(1)} ms, max ${times.at(-1).toFixed(1)} ms`;
  };
  note('write latency, no watchers', await latency());
  t = performance.now();
  const watching = await inParallel(WATCHERS, 20, async () => {
    const o = await openSession(s.origin);
    if (o.status !== 200) return o.status;
    return (await rpc(s.origin, o.session, 'resources/list', {})).status;
  });
  const wcodes = {};
  for (const c of watching) wcodes[c] = (wcodes[c] ?? 0) + 1;
  note(`${WATCHERS} sessions that called resources/list`, `status codes ${JSON.stringify(wcodes)} in ${ms(performance.now() - t)}; RSS ${rssMb(s.server.pid)}`);
  note(`write latency with ${WATCHERS} watching sessions`, await latency());
  await s.stop();
  rmSync(dir, { recursive: true, force: true });

}

// 5. The runner: the same scenarios for this build's workers and, if given, another build's.
const builds = [['this build', BIN], ...(process.env.ABUSE_BEFORE_BIN ? [['ABUSE_BEFORE_BIN', resolve(process.env.ABUSE_BEFORE_BIN)]] : [])];
for (const [name, bin] of builds) {
  process.stderr.write(`runner rows, workers of ${name} (${bin})\n`);
  note(`runner escape (${name}): an agent leaves \`setsid sleep 15 &\` holding its output and exits 0 (timeout 8 s)`, await escapeRow(bin));
  note(`runner overlap (${name}): 2 workers, random pause/resume/run/close by hand on 5 missions`, await overlapRow(bin, SEED, OVERLAP_SECONDS));
  note(`runner starvation (${name}): alice's due mission while bob has 60 continuous "1s" missions due (1 s agents, concurrency 2)`, await starvationRow(bin));
}

process.stdout.write('\n| scenario | figure |\n|---|---|\n');
for (const [name, value] of figures) process.stdout.write(`| ${name} | ${value.replaceAll('|', '\\|')} |\n`);
