// npm run bench:runner: the runner measured on a real store file. Prints figures; never asserts.
//  1. Claim-to-agent-start latency (p50/p99: from the claim's time to the stub agent's first line)
//     and runs per second through one worker, with a stub agent that exits at once.
//  2. getMission over stdio at 10,000 missions with 100,000 run records beside them, against the
//     same store with none: run records must not make mission reads slower.
//
// BENCH_RUNS=300 (default) sets how many runs part 1 makes; BENCH_QUICK=1 makes fewer of everything.
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newMission } from '../src/mission/build.js';
import { CreateMissionInput } from '../src/mission/input.js';
import type { Mission } from '../src/mission/model.js';
import type { RunRecord } from '../src/run/model.js';
import { serializeDocument } from '../src/store/document.js';
import { openJsonFileStore } from '../src/store/index.js';
import { newImportId, newMissionId, randomToken } from '../src/ids.js';
import { loadAgents } from '../src/runner/agents.js';
import { newRunId } from '../src/ids.js';
import { Worker } from '../src/runner/worker.js';
import { realisticMissions } from '../test/fixtures/missions.js';
import { coldStart, fmt, summarize, timeEach } from './measure.js';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(resolve(here, '..', '..'), 'dist', 'src', 'bin.js');
const QUICK = process.env.BENCH_QUICK === '1';
const RUNS = Number(process.env.BENCH_RUNS ?? (QUICK ? 60 : 300));
const CALLS = QUICK ? 100 : 500;
const work = mkdtempSync(join(tmpdir(), 'missions-bench-runner-'));
const log = (line: string) => process.stderr.write(`${line}\n`);
const owner = { user: 'local', org: null };
const inputs = realisticMissions(30).map((raw) => CreateMissionInput.parse(raw));

function makeMissions(count: number, schedule?: Record<string, unknown>): Mission[] {
  const base = Date.parse('2026-01-01T00:00:00Z');
  return Array.from({ length: count }, (_, i) => {
    const input = CreateMissionInput.parse({ ...inputs[i % inputs.length]!, title: `Mission ${i}`, ...(schedule ? { schedule } : {}) });
    return newMission(input, { now: new Date(base + i), newImportId, id: newMissionId(), owner });
  });
}

async function throughput(concurrency: number) {
  const dir = join(work, `throughput-${concurrency}`);
  mkdirSync(dir, { recursive: true });
  const stub = join(dir, 'stub.mjs');
  const stubLog = join(dir, 'stub.log');
  writeFileSync(stub, `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(stubLog)}, JSON.stringify({ run: process.env.MISSION_RUN_ID, t: Date.now() }) + '\\n');\n`);
  writeFileSync(join(dir, 'agents.json'), JSON.stringify({ agents: { claude: { command: [process.execPath, stub] }, gemini: { command: [process.execPath, stub] }, codex: { command: [process.execPath, stub] } } }));
  const store = openJsonFileStore(join(dir, 'missions.json'));
  await store.write(() => ({ put: makeMissions(RUNS, { type: 'once' }), result: undefined }));
  const worker = new Worker(
    { store, agents: loadAgents(join(dir, 'agents.json')), now: () => new Date(), newRunId, log: () => undefined, cwd: dir },
    { concurrency, leaseMs: 60_000, maxDepth: 3, once: true },
  );
  const t = performance.now();
  await worker.start();
  const seconds = (performance.now() - t) / 1000;
  const view = await store.read();
  const started = new Map(readFileSync(stubLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { run: string; t: number }).map((e) => [e.run, e.t]));
  const latency: number[] = [];
  for (const r of view.runs.newestFirst()) {
    const at = started.get(r.id);
    if (at !== undefined) latency.push(at - Date.parse(r.startedAt));
  }
  const ok = worker.results.filter((r) => r.status === 'succeeded').length;
  await store.close();
  return { concurrency, runs: worker.results.length, ok, perSecond: worker.results.length / seconds, latency: summarize(latency) };
}

async function seed(file: string, missions: Mission[], runCount: number): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const runs: RunRecord[] = [];
  const start = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < runCount; i++) {
    const m = missions[i % missions.length]!;
    const startedAt = new Date(start + i * 1000).toISOString();
    runs.push({
      id: `run_${randomToken(20)}`, missionId: m.id, status: 'succeeded', trigger: 'schedule', attempt: 1, slot: startedAt, agentType: m.agentType,
      worker: 'bench:1', leaseExpiresAt: null, startedAt, endedAt: startedAt, durationMs: 1000, exitCode: 0, signal: null, error: null, retryAt: null, outputBytes: 0,
    });
  }
  const out = createWriteStream(file, { mode: 0o600 });
  for (const chunk of serializeDocument({ version: 3, seq: 0, missions, runs, workers: [] })) if (!out.write(chunk)) await once(out, 'drain');
  out.end();
  await once(out, 'close');
}

async function readLatency(label: string, missions: Mission[], runCount: number) {
  const file = join(work, label, 'missions.json');
  await seed(file, missions, runCount);
  const { ms, peer } = await coldStart(process.execPath, [BIN, '--store', file]);
  const ids = missions.map((m) => m.id);
  for (let i = 0; i < 50; i++) await peer.call('getMission', { id: ids[i]! });
  const get = await timeEach(CALLS, (i) => peer.call('getMission', { id: ids[(i * 7919) % ids.length]! }));
  const rss = peer.rssMb();
  await peer.close();
  return { label, runCount, coldMs: ms, get, rss };
}

async function main() {
  log(`runner bench in ${work}: ${RUNS} runs per worker; ${CALLS} getMission calls per store`);
  const rows: string[] = [];
  for (const c of [1, 4]) {
    const r = await throughput(c);
    rows.push(`| one worker, concurrency ${c}, stub exits at once | ${r.runs} runs (${r.ok} succeeded) | ${r.perSecond.toFixed(1)} runs/s | claim → agent start p50 ${fmt(r.latency.p50)} ms, p99 ${fmt(r.latency.p99)} ms |`);
    log(rows.at(-1)!);
  }
  const missions = makeMissions(10_000);
  for (const [label, n] of [['no-runs', 0], ['100k-runs', 100_000]] as const) {
    const r = await readLatency(label, missions, n);
    rows.push(`| getMission, 10,000 missions, ${n.toLocaleString('en')} run records | cold start ${fmt(r.coldMs)} ms | p50 ${fmt(r.get.p50)} ms, p99 ${fmt(r.get.p99)} ms | RSS ${r.rss.toFixed(0)} MB |`);
    log(rows.at(-1)!);
  }
  process.stdout.write(`\n| what | | | |\n|---|---|---|---|\n${rows.join('\n')}\n`);
  rmSync(work, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exitCode = 1;
});
