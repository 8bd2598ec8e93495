// Runner test wiring: a stub agent (a node script whose behaviour the mission's goal selects with
// "stub:" words, and which appends every start and end to its own log), an agents file that runs it,
// missions written straight into a real file store, and worker processes that are always killed.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateMissionInput } from '../src/mission/input.js';
import { newMission } from '../src/mission/build.js';
import type { Mission, Owner } from '../src/mission/model.js';
import { newImportId, newMissionId } from '../src/ids.js';
import type { MissionStore } from '../src/store/types.js';
import { BIN, ROOT } from './helpers.js';

/** The MCP SDK's ESM build, for stub agents that are MCP clients themselves. */
const SDK_DIR = join(ROOT, 'node_modules', '@modelcontextprotocol', 'sdk', 'dist', 'esm');

// stub:sleep=MS  stub:exit=N  stub:out=BYTES  stub:grandchild (a child in its group)  stub:ignore-term
// stub:term-delay=MS (on SIGTERM: ends MS later, logging its end: an agent slow to stop)
// stub:escape (a `sleep 120` in a new session, as setsid starts it, holding stdout and stderr)
// stub:escape-noenv (the same with an empty environment: only the pipes it holds tell where it came from)
// stub:escape-nopipe (the same holding no output: only its environment, MISSION_RUN_ID, tells)
// stub:spawn-mission (creates, through the missions-mcp CLI on MISSIONS_STORE, a mission that does the same)
// stub:env (prints its environment as "ENV name=value" lines)
// stub:cli-list (lists missions with "missions-mcp call" as it inherited: MISSIONS_STORE, MISSION_RUN_ID)
// stub:mcp-list (an MCP client through MISSIONS_MCP_CONFIG: lists missions, then creates one)
// stub:report (reportProgress through MISSIONS_MCP_CONFIG: the n-th start of a mission reports STUB_REPORTS[n-1], a JSON file)
// stub:http-spawn (over HTTP with STUB_URL and STUB_TOKEN, naming its run: creates a mission that does the same)
// Each callback prints one line "<KIND> <json>" on stdout, which the run's output keeps.
const STUB = `
import { appendFileSync, readFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
const sdk = (p) => import(process.env.STUB_SDK + '/' + p);
async function mcpList() {
  const { Client } = await sdk('client/index.js');
  const { StdioClientTransport } = await sdk('client/stdio.js');
  const server = JSON.parse(readFileSync(process.env.MISSIONS_MCP_CONFIG, 'utf8')).mcpServers.missions;
  const client = new Client({ name: 'stub-agent', version: '1' });
  await client.connect(new StdioClientTransport({ command: server.command, args: server.args, env: server.env, stderr: 'ignore' }));
  const list = await client.callTool({ name: 'listMissions', arguments: { limit: 100, mode: 'compact' } });
  const made = await client.callTool({ name: 'createMission', arguments: { title: 'made by the agent of ' + process.env.MISSION_ID, goal: 'g' } });
  await client.close();
  return { titles: list.structuredContent?.missions?.map((m) => m.title) ?? list.content, made: made.structuredContent?.mission ?? made.content };
}
/** stub:report: the report of this start (the n-th start of this mission takes the n-th of STUB_REPORTS), through the run's MCP configuration. */
async function report() {
  const { Client } = await sdk('client/index.js');
  const { StdioClientTransport } = await sdk('client/stdio.js');
  const starts = readFileSync(process.env.STUB_LOG, 'utf8').split('\\n').filter((l) => l.includes('"event":"start"') && l.includes(process.env.MISSION_ID)).length;
  const reports = JSON.parse(readFileSync(process.env.STUB_REPORTS, 'utf8'));
  const args = { runId: process.env.MISSION_RUN_ID, ...reports[Math.min(starts, reports.length) - 1] };
  const server = JSON.parse(readFileSync(process.env.MISSIONS_MCP_CONFIG, 'utf8')).mcpServers.missions;
  const client = new Client({ name: 'stub-agent', version: '1' });
  await client.connect(new StdioClientTransport({ command: server.command, args: server.args, env: server.env, stderr: 'ignore' }));
  const answer = await client.callTool({ name: 'reportProgress', arguments: args });
  await client.close();
  if (answer.isError) throw new Error(answer.content[0].text);
  return answer.structuredContent;
}
async function httpSpawn() {
  const { Client } = await sdk('client/index.js');
  const { StreamableHTTPClientTransport } = await sdk('client/streamableHttp.js');
  const headers = { Authorization: 'Bearer ' + process.env.STUB_TOKEN, 'Mcp-Mission-Run': process.env.MISSION_RUN_ID };
  const client = new Client({ name: 'stub-agent', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', process.env.STUB_URL), { requestInit: { headers } }));
  const made = await client.callTool({ name: 'createMission', arguments: { title: 'made over http by ' + process.env.MISSION_ID, goal: 'stub:http-spawn', schedule: { type: 'once' } } });
  await client.close();
  return made.structuredContent?.mission ?? made.content;
}
const spawnedAt = Date.now();
const log = (o) => appendFileSync(process.env.STUB_LOG, JSON.stringify({ ...o, pid: process.pid, run: process.env.MISSION_RUN_ID,
  mission: process.env.MISSION_ID, attempt: process.env.MISSION_ATTEMPT, t: Date.now() }) + '\\n');
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  const opt = (k, d) => { const m = new RegExp('stub:' + k + '=(\\\\d+)').exec(input); return m ? Number(m[1]) : d; };
  let grandchild = null;
  if (input.includes('stub:grandchild')) grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }).pid;
  if (input.includes('stub:ignore-term')) process.on('SIGTERM', () => log({ event: 'sigterm-ignored' }));
  const termDelay = opt('term-delay', -1);
  if (termDelay >= 0) process.on('SIGTERM', () => setTimeout(() => { log({ event: 'end', how: 'sigterm' }); process.exit(143); }, termDelay));
  let escaped = null;
  const escapes = [[/stub:escape-noenv/, { PATH: process.env.PATH }, 'inherit'], [/stub:escape-nopipe/, process.env, 'ignore'], [/stub:escape(?![-\\w])/, process.env, 'inherit']];
  for (const [word, env, out] of escapes) {
    if (!word.test(input)) continue;
    const child = spawn('sleep', ['120'], { detached: true, stdio: ['ignore', out, out], env });
    child.unref();
    escaped = child.pid;
  }
  log({ event: 'start', spawnedAt, stdin: input, cwd: process.cwd(), store: process.env.MISSIONS_STORE, grandchild, escaped, extra: process.env.STUB_EXTRA ?? null });
  if (input.includes('stub:spawn-mission')) {
    const child = { title: 'made by ' + process.env.MISSION_ID, goal: 'stub:spawn-mission', schedule: { type: 'once' } };
    execFileSync(process.execPath, [process.env.STUB_BIN, 'call', 'createMission', '--store', process.env.MISSIONS_STORE, '--input-json', JSON.stringify(child)], { stdio: 'ignore' });
  }
  const callbacks = [];
  if (input.includes('stub:env')) for (const [k, v] of Object.entries(process.env)) process.stdout.write('ENV ' + k + '=' + v + '\\n');
  if (input.includes('stub:cli-list')) {
    const text = execFileSync(process.execPath, [process.env.STUB_BIN, 'call', 'listMissions', '--input-json', '{"limit":100}'], { encoding: 'utf8' });
    process.stdout.write('CLI ' + JSON.stringify(JSON.parse(text).missions.map((m) => m.title)) + '\\n');
  }
  if (input.includes('stub:mcp-list')) callbacks.push(mcpList().then((r) => process.stdout.write('MCP ' + JSON.stringify(r) + '\\n')));
  if (input.includes('stub:report')) callbacks.push(report().then((r) => process.stdout.write('REPORT ' + JSON.stringify(r) + '\\n')));
  if (input.includes('stub:http-spawn')) callbacks.push(httpSpawn().then((r) => process.stdout.write('HTTP ' + JSON.stringify(r) + '\\n')));
  Promise.all(callbacks).catch((e) => { process.stdout.write('CALLBACK-ERROR ' + e.message + '\\n'); process.exitCode = 3; }).then(() => finish());
});
function finish() {
  const opt = (k, d) => { const m = new RegExp('stub:' + k + '=(\\\\d+)').exec(input); return m ? Number(m[1]) : d; };
  const out = opt('out', 0);
  if (out) process.stdout.write('x'.repeat(out - 4) + 'END\\n');
  process.stdout.write('stub says hello\\n');
  setTimeout(() => { log({ event: 'end' }); process.exit(process.exitCode || opt('exit', 0)); }, opt('sleep', 0));
}
`;

export interface StubEvent {
  event: 'start' | 'end' | 'sigterm-ignored';
  pid: number;
  run: string;
  mission: string;
  attempt: string;
  t: number;
  spawnedAt?: number;
  stdin?: string;
  cwd?: string;
  store?: string;
  grandchild?: number | null;
  /** The process that left the agent's group (stub:escape, stub:escape-noenv, stub:escape-nopipe). */
  escaped?: number | null;
  extra?: string | null;
}

export interface RunnerFixture {
  dir: string;
  storeFile: string;
  stubLog: string;
  agentsFile: string;
  /** Writes the agents file: claude (and gemini, codex) run the stub, with these settings. */
  writeAgents(settings?: Record<string, unknown>, extra?: Record<string, unknown>): string;
  events(): StubEvent[];
  starts(): StubEvent[];
  cleanup(): void;
}

export function runnerFixture(prefix = 'missions-runner-'): RunnerFixture {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const stub = join(dir, 'stub-agent.mjs');
  writeFileSync(stub, STUB);
  const stubLog = join(dir, 'stub.log');
  const agentsFile = join(dir, 'agents.json');
  const fx: RunnerFixture = {
    dir,
    storeFile: join(dir, 'missions.json'),
    stubLog,
    agentsFile,
    writeAgents(settings = {}, extra = {}) {
      const entry = { command: [process.execPath, stub], env: { STUB_LOG: stubLog, STUB_BIN: BIN, STUB_SDK: SDK_DIR }, retries: 0, retryDelaySeconds: 0, ...settings };
      writeFileSync(agentsFile, JSON.stringify({ agents: { claude: entry, gemini: entry, codex: entry }, ...extra }));
      return agentsFile;
    },
    events() {
      if (!existsSync(stubLog)) return [];
      return readFileSync(stubLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as StubEvent);
    },
    starts: () => fx.events().filter((e) => e.event === 'start'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  appendFileSync(stubLog, '');
  return fx;
}

const BASE = Date.parse('2026-01-01T00:00:00Z');

/** Missions written straight into the store (the tools are not under test here). */
export async function putMissions(store: MissionStore, inputs: Record<string, unknown>[], now = new Date(BASE), owner: Owner = { user: 'local', org: null }): Promise<Mission[]> {
  const missions = inputs.map((raw) => newMission(CreateMissionInput.parse(raw), { now, newImportId, id: newMissionId(), owner }));
  await store.write(() => ({ put: missions, result: undefined }));
  return missions;
}

export function pidAlive(pid: number | null | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface WorkerProcess {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `missions-mcp run …` as a real process; every one is remembered so that `killAll` can end it. */
export class WorkerProcesses {
  private readonly all: WorkerProcess[] = [];

  start(args: string[], env: Record<string, string> = {}): WorkerProcess {
    const child = spawn(process.execPath, [BIN, 'run', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => (err += `[stdout] ${d.toString()}`));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const w = { child, stderr: () => err, exited };
    this.all.push(w);
    return w;
  }

  async killAll(): Promise<void> {
    await Promise.all(
      this.all.splice(0).map(async (w) => {
        if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
        await w.exited;
      }),
    );
  }
}

/** Kills what the stub log names, in case a test failed before its agents ended. */
export function killStubs(events: StubEvent[]): void {
  for (const e of events) {
    for (const pid of [e.pid, e.grandchild, e.escaped]) {
      if (pidAlive(pid)) {
        try {
          process.kill(pid!, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
  }
}
