// Soak run for `serve --transport http`: one real server process (the built bin, a JSON file store,
// a bearer token), 50 sessions × 200 tool calls through the SDK's own clients (40 Streamable HTTP,
// 10 legacy SSE), all sessions at once. Prints the server's RSS and open sessions (from /healthz)
// before, during and after, call latencies, and checks that every acknowledged create is stored and
// that SIGTERM exits 0.
//
//   npm run bench:soak                      # build, then run
//   SOAK_SESSIONS=50 SOAK_CALLS=200 SOAK_ROUNDS=3 node bench/soak.mjs   # after npm run build
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { readOnDisk } from '../dist/test/on-disk.js';

const SESSIONS = Number(process.env.SOAK_SESSIONS ?? 50);
const CALLS = Number(process.env.SOAK_CALLS ?? 200);
const ROUNDS = Number(process.env.SOAK_ROUNDS ?? 1); // more rounds: does RSS keep growing?
const SSE_EVERY = 5; // one session in five uses the legacy SSE transport
const TOKEN = 'soak-token-0123456789abcdef0123456789';
const BIN = resolve(import.meta.dirname, '..', 'dist', 'src', 'bin.js');

const dir = mkdtempSync(join(tmpdir(), 'missions-soak-'));
const store = join(dir, 'missions.json');

function rssMb(pid) {
  // VmRSS from /proc on Linux; ps elsewhere. Both in kB.
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    if (line) return Number(line.replace(/\D+/g, '')) / 1024;
  } catch {
    // not Linux
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024;
}

const server = spawn(process.execPath, [BIN, 'serve', '--transport', 'http', '--port', '0', '--store', store, '--output-mode', 'compact'], {
  env: { ...process.env, MISSIONS_TOKEN: TOKEN },
  stdio: ['ignore', 'inherit', 'pipe'],
});
let serverLog = '';
const exited = new Promise((r) => server.once('exit', (code) => r(code)));
const origin = await new Promise((resolveOrigin, reject) => {
  server.stderr.on('data', (d) => {
    serverLog += d.toString();
    const m = /listening on (http:\/\/\S+) /.exec(serverLog);
    if (m) resolveOrigin(m[1]);
  });
  exited.then((code) => reject(new Error(`server exited ${code}: ${serverLog}`)));
});

async function healthz() {
  return (await fetch(new URL('/healthz', origin))).json();
}

const samples = [];
async function sample(label) {
  const h = await healthz();
  const s = { label, rssMb: rssMb(server.pid), sessions: h.sessions, requests: h.requests, t: performance.now() };
  samples.push(s);
  return s;
}
const fmt = (s) => `${s.label.padEnd(44)} RSS ${s.rssMb.toFixed(1).padStart(6)} MB   open sessions ${String(s.sessions).padStart(3)}   requests in progress ${s.requests}`;

const headers = { Authorization: `Bearer ${TOKEN}` };
async function connect(i) {
  const sse = i % SSE_EVERY === SSE_EVERY - 1;
  const transport = sse
    ? new SSEClientTransport(new URL('/sse', origin), { requestInit: { headers } })
    : new StreamableHTTPClientTransport(new URL('/mcp', origin), { requestInit: { headers } });
  const client = new Client({ name: `soak-${i}`, version: '1.0.0' });
  await client.connect(transport);
  return { client, transport, sse };
}

const latencies = [];
let errors = 0;
const created = new Set();
async function timed(client, name, args) {
  const t0 = performance.now();
  const r = await client.callTool({ name, arguments: args });
  latencies.push(performance.now() - t0);
  if (r.isError) {
    errors += 1;
    throw new Error(`${name}: ${r.content[0]?.text}`);
  }
  return r.structuredContent;
}

/** 200 calls: 10% create, 10% update, 5% pause/resume, 40% get, 35% list. */
async function work(session, i) {
  const own = [];
  for (let n = 0; n < CALLS; n++) {
    const k = n % 20;
    if (k === 0 || k === 10 || own.length === 0) {
      const m = (await timed(session.client, 'createMission', { title: `soak ${i}.${n}`, goal: 'Soak the HTTP server.', visibility: n % 3 ? 'private' : 'public', schedule: { type: 'cron', value: '0 9 * * 1-5' } })).mission;
      own.push(m.id);
      created.add(m.id);
    } else if (k === 5 || k === 15) {
      await timed(session.client, 'updateMission', { id: own[n % own.length], stats: { leads: n } });
    } else if (k === 7) {
      await timed(session.client, 'pauseMission', { id: own[0] });
    } else if (k === 8) {
      await timed(session.client, 'resumeMission', { id: own[0] });
    } else if (k % 2 === 1) {
      await timed(session.client, 'getMission', { id: own[n % own.length] });
    } else {
      await timed(session.client, 'listMissions', { limit: 20, status: 'active' });
    }
  }
}

try {
  console.log(`soak: ${ROUNDS > 1 ? `${ROUNDS} rounds of ` : ''}${SESSIONS} sessions × ${CALLS} calls against ${origin} (store ${store}), Node ${process.version}`);
  const before = await sample('before (server idle)');
  console.log(fmt(before));

  const t0 = performance.now();
  for (let round = 1; round <= ROUNDS; round++) {
    const tag = ROUNDS > 1 ? `round ${round}: ` : '';
    const sessions = await Promise.all(Array.from({ length: SESSIONS }, (_, i) => connect(i)));
    console.log(fmt(await sample(`${tag}${SESSIONS} sessions open, no calls yet`)));
    let running = true;
    const first = samples.length;
    const sampler = (async () => {
      while (running) {
        await new Promise((r) => setTimeout(r, 1000));
        if (running) await sample('during');
      }
    })();
    await Promise.all(sessions.map((s, i) => work(s, i + (round - 1) * SESSIONS)));
    running = false;
    await sampler;
    const during = samples.slice(first).filter((s) => s.label === 'during');
    if (during.length > 0) {
      const peak = during.reduce((a, b) => (b.rssMb > a.rssMb ? b : a));
      console.log(fmt({ ...during[Math.floor(during.length / 2)], label: `${tag}during: middle sample` }));
      console.log(fmt({ ...peak, label: `${tag}during: peak of ${during.length} samples` }));
    }
    console.log(fmt(await sample(`${tag}calls done, sessions open`)));
    for (const s of sessions) {
      if (!s.sse) await s.transport.terminateSession().catch(() => undefined);
      await s.client.close();
    }
    for (let i = 0; i < 100 && (await healthz()).sessions > 0; i++) await new Promise((r) => setTimeout(r, 50));
    console.log(fmt(await sample(`${tag}after: every session closed`)));
  }
  const elapsed = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 3000));
  console.log(fmt(await sample('after: 3 s later')));

  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1);
  console.log(`calls: ${latencies.length} in ${elapsed.toFixed(1)} s (${(latencies.length / elapsed).toFixed(0)}/s), errors ${errors}; latency ms p50 ${q(50)}, p95 ${q(95)}, p99 ${q(99)}, max ${q(100)}`);
  const onDisk = new Set(readOnDisk(store).missions.map((m) => m.id)); // snapshot + journal, while the server runs
  const missing = [...created].filter((id) => !onDisk.has(id)).length;
  console.log(`creates: ${created.size} acknowledged, ${onDisk.size} in the store file, ${missing} missing`);
  server.kill('SIGTERM');
  const code = await exited;
  console.log(`SIGTERM: exit code ${code}`);
  if (errors > 0 || missing > 0 || code !== 0 || latencies.length !== SESSIONS * CALLS * ROUNDS) process.exitCode = 1;
} catch (error) {
  console.error(error);
  console.error(serverLog);
  server.kill('SIGKILL');
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
