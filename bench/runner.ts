// npm run bench:runner: the runner measured on a real store file. Prints figures; never asserts.
//  1. Claim-to-agent-start latency (p50/p99: from the claim's time to the stub agent's first line)
//     and runs per second through one worker, with a stub agent that exits at once.
//  2. getMission over stdio at 10,000 missions with 100,000 run records beside them, against the
//     same store with none: run records must not make mission reads slower.
//  3. Approvals and reports (SPEC §15, §16), each the median of several runs beside a baseline measured
//     in the same run: claim → approval request written (the worker's claimMission of a due mission that
//     needs approval; baseline: the claim of one that does not); decision → agent start (decideRun approve
//     over stdio → the stub's first line, through a real `missions-mcp run`; baseline: runMission of a
//     mission without approval → its first line); a report's round trip (reportProgress from the stub,
//     an MCP client of the server MISSIONS_MCP_CONFIG names; baseline: getRun on that connection);
//     getMission with expand ["progress"] at 100 missions × 100 reported runs, against without.
//
// BENCH_RUNS=300 (default) sets how many runs part 1 makes; BENCH_QUICK=1 makes fewer of everything;
// BENCH_PARTS=throughput,reads,approvals,progress (default all) picks the parts.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { defaultAgents, loadAgents } from '../src/runner/agents.js';
import { newRunId } from '../src/ids.js';
import { launchView } from '../src/runner/launch-view.js';
import { claimMission } from '../src/runner/store-ops.js';
import { Worker } from '../src/runner/worker.js';
import { realisticMissions } from '../test/fixtures/missions.js';
import { coldStart, fmt, spawnPeer, summarize, timeEach, type Peer } from './measure.js';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(resolve(here, '..', '..'), 'dist', 'src', 'bin.js');
const QUICK = process.env.BENCH_QUICK === '1';
const RUNS = Number(process.env.BENCH_RUNS ?? (QUICK ? 60 : 300));
const CALLS = QUICK ? 100 : 500;
const work = mkdtempSync(join(tmpdir(), 'missions-bench-runner-'));
const log = (line: string) => process.stderr.write(`${line}\n`);
const owner = { user: 'local', org: null };
const inputs = realisticMissions(30).map((raw) => CreateMissionInput.parse(raw));
const PARTS = new Set((process.env.BENCH_PARTS ?? 'throughput,reads,approvals,progress').split(','));

function makeMissions(count: number, schedule?: Record<string, unknown>, plan?: Record<string, unknown>): Mission[] {
  const base = Date.parse('2026-01-01T00:00:00Z');
  return Array.from({ length: count }, (_, i) => {
    const input = CreateMissionInput.parse({ ...inputs[i % inputs.length]!, title: `Mission ${i}`, ...(schedule ? { schedule } : {}), ...(plan ? { plan } : {}) });
    return newMission(input, { now: new Date(base + i), newImportId, id: newMissionId(), owner });
  });
}

const median = (xs: number[]) => summarize(xs).p50;

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
  await writeDocument(file, missions, runs);
}

/** A store file written at once, as the store writes it. */
async function writeDocument(file: string, missions: Mission[], runs: RunRecord[]): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
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

// --- 3. approvals and reports -------------------------------------------------------------------------

/** claimMission of due missions, one write each: those that need approval open a request; the others open a running run. */
async function claimToRequest(rounds: number, perRound: number) {
  const dir = join(work, 'claims');
  mkdirSync(dir, { recursive: true });
  const store = openJsonFileStore(join(dir, 'missions.json'));
  const view = launchView(defaultAgents(), dir);
  const time = async (missions: Mission[], expected: string) => {
    const samples: number[] = [];
    for (const m of missions) {
      const t = performance.now();
      const c = await claimMission(store, m.id, new Date(), { runId: newRunId(), worker: 'bench:1', leaseMs: 60_000, maxDepth: 3, launchView: view });
      samples.push(performance.now() - t);
      if (c.kind !== expected) throw new Error(`the claim of ${m.id} was ${c.kind}, not ${expected}`);
    }
    return median(samples);
  };
  const request: number[] = [];
  const run: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const needing = makeMissions(perRound, { type: 'continuous' }, { constraints: { requireApproval: true }, kpis: [{ metric: 'followers', target: 100 }] });
    const free = makeMissions(perRound, { type: 'continuous' }, { kpis: [{ metric: 'followers', target: 100 }] });
    await store.write(() => ({ put: [...needing, ...free], result: undefined }));
    // Each round, the other goes first: neither always meets the larger journal.
    if (round % 2) request.push(await time(needing, 'request')), run.push(await time(free, 'run'));
    else run.push(await time(free, 'run')), request.push(await time(needing, 'request'));
  }
  await store.close();
  return { request: median(request), run: median(run), rounds, perRound };
}

/**
 * The stub agent: logs { run, mission, t } at its first line; with BENCH_REPORTS=n it then connects to the
 * server MISSIONS_MCP_CONFIG names (as an agent would) and times n reportProgress and n getRun calls.
 */
function writeStub(dir: string, startLog: string, reportLog: string): string {
  const stub = join(dir, 'stub.mjs');
  const client = import.meta.resolve('@modelcontextprotocol/sdk/client/index.js');
  const stdio = import.meta.resolve('@modelcontextprotocol/sdk/client/stdio.js');
  writeFileSync(
    stub,
    `import { appendFileSync, readFileSync } from 'node:fs';
const run = process.env.MISSION_RUN_ID;
appendFileSync(${JSON.stringify(startLog)}, JSON.stringify({ run, mission: process.env.MISSION_ID, t: Date.now() }) + '\\n');
const n = Number(process.env.BENCH_REPORTS ?? 0);
if (n > 0) {
  const { Client } = await import(${JSON.stringify(client)});
  const { StdioClientTransport } = await import(${JSON.stringify(stdio)});
  const server = JSON.parse(readFileSync(process.env.MISSIONS_MCP_CONFIG, 'utf8')).mcpServers.missions;
  const t0 = performance.now();
  const transport = new StdioClientTransport({ command: server.command, args: server.args, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...server.env }, stderr: 'ignore' });
  const mcp = new Client({ name: 'bench-agent', version: '1.0.0' });
  await mcp.connect(transport);
  const connectMs = performance.now() - t0;
  const report = [], read = [];
  for (let i = 0; i < n; i++) {
    let t = performance.now();
    const r = await mcp.callTool({ name: 'reportProgress', arguments: { runId: run, summary: 'step ' + i + ' of ' + n, progressPercent: (100 * i) / n, kpis: { followers: i }, costCents: 1 } });
    report.push(performance.now() - t);
    if (r.isError) throw new Error(JSON.stringify(r.content));
    t = performance.now();
    await mcp.callTool({ name: 'getRun', arguments: { id: run, mode: 'compact' } });
    read.push(performance.now() - t);
  }
  appendFileSync(${JSON.stringify(reportLog)}, JSON.stringify({ run, connectMs, report, read }) + '\\n');
  await mcp.close();
}
`,
  );
  return stub;
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) : []);

/** Polls `read` every 5 ms until it gives a value, for at most `ms`. */
async function within<T>(ms: number, what: string, read: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`no ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * A real worker process (`missions-mcp run`, its 500 ms tick) and a stdio server for the tools, on one
 * store file: decideRun approve → the stub's first line, against runMission → the first line of a
 * mission without approval (the same tick, the same agent start); then runs whose agent reports back.
 */
async function decisionsAndReports(samples: number, reportRuns: number, reports: number) {
  const dir = join(work, 'decisions');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'missions.json');
  const startLog = join(dir, 'starts.log');
  const reportLog = join(dir, 'reports.log');
  const stub = writeStub(dir, startLog, reportLog);
  const agentsFile = join(dir, 'agents.json');
  writeFileSync(agentsFile, JSON.stringify({ agents: { claude: { command: [process.execPath, stub] }, gemini: { command: [process.execPath, stub], env: { BENCH_REPORTS: String(reports) } } } }));
  const peer: Peer = await spawnPeer(process.execPath, [BIN, '--store', file]);
  const worker = spawn(process.execPath, [BIN, 'run', '--store', file, '--agents', agentsFile], { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } });
  let workerLog = '';
  worker.stderr!.on('data', (d: Buffer) => (workerLog += d.toString()));
  const exited = new Promise<void>((r) => worker.once('exit', () => r()));
  try {
    await within(15_000, 'worker start', () => (/worker \S+: concurrency/.test(workerLog) ? true : undefined));
    const create = async (args: Record<string, unknown>) => (await peer.call('createMission', { goal: 'bench', ...args })).mission.id as string;
    const needing = await create({ title: 'Needs a yes', plan: { constraints: { requireApproval: true } } });
    const free = await create({ title: 'Runs at once' });
    const reporting = await create({ title: 'Reports back', agentType: 'gemini', plan: { kpis: [{ metric: 'followers', target: 1000 }] } });
    const seen = new Set<string>();
    /** The first line of the next run of `mission` (its time, on this machine's clock). */
    const nextStart = (mission: string) =>
      within(15_000, `agent start of ${mission}`, () => {
        const line = lines(startLog).find((l) => l.mission === mission && !seen.has(l.run as string));
        if (!line) return undefined;
        seen.add(line.run as string);
        return line.t as number;
      });
    const ended = (mission: string) => within(30_000, `the end of ${mission}'s run`, async () => ((await peer.call('getMission', { id: mission, mode: 'compact' })).mission.status !== 'running' ? true : undefined));
    const approval: number[] = [];
    const plain: number[] = [];
    // A run's end wakes the worker, which then ticks every 500 ms: a pause of 0–500 ms before each
    // sample lets decisions land anywhere in the tick, as a person's would, not in step with it.
    const offTick = () => new Promise((r) => setTimeout(r, Math.random() * 500));
    for (let i = 0; i < samples; i++) {
      for (const kind of i % 2 ? (['approval', 'plain'] as const) : (['plain', 'approval'] as const)) {
        await offTick();
        if (kind === 'approval') {
          const { approvalRequestId } = await peer.call('runMission', { id: needing });
          const t0 = Date.now();
          await peer.call('decideRun', { id: approvalRequestId, decision: 'approve' });
          approval.push((await nextStart(needing)) - t0);
          await ended(needing);
        } else {
          const t0 = Date.now();
          await peer.call('runMission', { id: free });
          plain.push((await nextStart(free)) - t0);
          await ended(free);
        }
      }
    }
    for (let i = 0; i < reportRuns; i++) {
      await peer.call('runMission', { id: reporting });
      await nextStart(reporting);
      await ended(reporting);
    }
    const reported = lines(reportLog) as { connectMs: number; report: number[]; read: number[] }[];
    if (reported.length !== reportRuns) throw new Error(`${reported.length} of ${reportRuns} reporting runs logged their times; worker log:\n${workerLog}`);
    const progress = (await peer.call('getMission', { id: reporting, expand: ['progress'] })).progress as { percent: number; spend: { costCents: number } };
    return {
      approval: summarize(approval),
      plain: summarize(plain),
      report: median(reported.map((r) => median(r.report))),
      read: median(reported.map((r) => median(r.read))),
      connect: median(reported.map((r) => r.connectMs)),
      reportRuns,
      reports,
      spent: progress.spend.costCents,
    };
  } finally {
    worker.kill('SIGTERM');
    await exited;
    await peer.close();
  }
}

/** 100 missions with 3 KPIs each and `perMission` runs each, every run with a report. */
function reportedMissions(count: number, perMission: number): { missions: Mission[]; runs: RunRecord[] } {
  const kpis = [{ metric: 'followers', target: 5000 }, { metric: 'posts', target: 60 }, { metric: 'signups', target: 200 }];
  const missions = makeMissions(count, { type: 'cron', value: '0 9 * * 1-5' }, { kpis, constraints: { budgetCents: 1_000_000 } });
  const start = Date.parse('2026-01-01T00:00:00Z');
  const runs: RunRecord[] = [];
  for (const m of missions) {
    for (let i = 0; i < perMission; i++) {
      const at = new Date(start + runs.length * 1000).toISOString();
      runs.push({
        id: `run_${randomToken(20)}`, missionId: m.id, status: 'succeeded', trigger: 'schedule', attempt: 1, slot: at, agentType: m.agentType,
        worker: 'bench:1', leaseExpiresAt: null, startedAt: at, endedAt: at, durationMs: 1000, exitCode: 0, signal: null, error: null, retryAt: null, outputBytes: 0,
        promptHash: null, approval: null, decision: null, costCents: 25, spentCents: 25 * (i + 1),
        report: { summary: `Run ${i}: posted ${i % 3} updates, answered the replies.`, progressPercent: i % 101, stage: 'posting', kpis: { followers: 10 * i, posts: i % 60, signups: 2 * i }, reportedAt: at },
      });
    }
  }
  return { missions, runs };
}

async function progressReads(rounds: number, calls: number) {
  const file = join(work, 'progress', 'missions.json');
  const { missions, runs } = reportedMissions(100, 100);
  await writeDocument(file, missions, runs);
  const { peer } = await coldStart(process.execPath, [BIN, '--store', file]);
  const ids = missions.map((m) => m.id);
  for (let i = 0; i < 50; i++) await peer.call('getMission', { id: ids[i % ids.length]!, expand: ['progress'] });
  const plain: number[] = [];
  const expanded: number[] = [];
  let bytes = { plain: 0, expanded: 0 };
  for (let round = 0; round < rounds; round++) {
    const get = (expand: boolean) => timeEach(calls, (i) => peer.call('getMission', { id: ids[(i * 37 + round) % ids.length]!, ...(expand ? { expand: ['progress'] } : {}) }));
    if (round % 2) expanded.push((await get(true)).p50), plain.push((await get(false)).p50);
    else plain.push((await get(false)).p50), expanded.push((await get(true)).p50);
  }
  bytes = {
    plain: JSON.stringify(await peer.call('getMission', { id: ids[0]! })).length,
    expanded: JSON.stringify(await peer.call('getMission', { id: ids[0]!, expand: ['progress'] })).length,
  };
  await peer.close();
  return { plain: median(plain), expanded: median(expanded), bytes, rounds, calls };
}

async function main() {
  log(`runner bench in ${work}: ${RUNS} runs per worker; ${CALLS} getMission calls per store`);
  const rows: string[] = [];
  const row = (line: string) => (rows.push(line), log(line));
  if (PARTS.has('throughput')) {
    for (const c of [1, 4]) {
      const r = await throughput(c);
      row(`| one worker, concurrency ${c}, stub exits at once | ${r.runs} runs (${r.ok} succeeded) | ${r.perSecond.toFixed(1)} runs/s | claim → agent start p50 ${fmt(r.latency.p50)} ms, p99 ${fmt(r.latency.p99)} ms |`);
    }
  }
  if (PARTS.has('reads')) {
    const missions = makeMissions(10_000);
    for (const [label, n] of [['no-runs', 0], ['100k-runs', 100_000]] as const) {
      const r = await readLatency(label, missions, n);
      row(`| getMission, 10,000 missions, ${n.toLocaleString('en')} run records | cold start ${fmt(r.coldMs)} ms | p50 ${fmt(r.get.p50)} ms, p99 ${fmt(r.get.p99)} ms | RSS ${r.rss.toFixed(0)} MB |`);
    }
  }
  if (PARTS.has('approvals')) {
    const c = await claimToRequest(QUICK ? 3 : 5, QUICK ? 20 : 50);
    row(`| claim → approval request written (claimMission, one write; median of ${c.rounds} rounds × ${c.perRound}) | request ${fmt(c.request)} ms | baseline: claim → run record written ${fmt(c.run)} ms | ratio ${(c.request / c.run).toFixed(2)} |`);
    const d = await decisionsAndReports(QUICK ? 6 : 20, QUICK ? 2 : 5, QUICK ? 10 : 30);
    row(`| decision → agent start (decideRun approve → the stub's first line; a \`run\` process, 500 ms tick; ${d.approval.n} runs) | p50 ${fmt(d.approval.p50)} ms, p99 ${fmt(d.approval.p99)} ms | baseline: runMission → first line, p50 ${fmt(d.plain.p50)} ms, p99 ${fmt(d.plain.p99)} ms | difference of the p50s ${Math.round(d.approval.p50 - d.plain.p50)} ms |`);
    row(`| a report's round trip (reportProgress from the agent through the server MISSIONS_MCP_CONFIG names; median of ${d.reportRuns} runs × ${d.reports}) | ${fmt(d.report)} ms | baseline: getRun on that connection ${fmt(d.read)} ms | the agent's connect (spawn + initialize) ${fmt(d.connect)} ms; spend recorded ${d.spent} of ${d.reportRuns * d.reports} cents |`);
  }
  if (PARTS.has('progress')) {
    const p = await progressReads(QUICK ? 3 : 5, QUICK ? 60 : 200);
    row(`| getMission at 100 missions × 100 reported runs (median of ${p.rounds} rounds × ${p.calls}) | expand ["progress"] ${fmt(p.expanded)} ms | without ${fmt(p.plain)} ms | ratio ${(p.expanded / p.plain).toFixed(2)}; answer ${p.bytes.expanded.toLocaleString('en')} against ${p.bytes.plain.toLocaleString('en')} bytes |`);
  }
  process.stdout.write(`\n| what | | | |\n|---|---|---|---|\n${rows.join('\n')}\n`);
  rmSync(work, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exitCode = 1;
});
