// The runner rows of npm run bench:abuse (issue 21): real `missions-mcp run` processes of a given
// build on a JSON-file store, agents that are small scripts. Prints figures; never passes or fails.
//   escape:     an agent starts `setsid sleep 15 &` (holding its output) and exits 0: time from its
//               exit to its run being settled, and how the run was recorded (timeoutSeconds 8);
//   overlap:    two worker processes while tool calls (in this process, on the same store) pause,
//               resume, run and close runs by hand at random: agents of one mission alive at once;
//   starvation: bob's 60 continuous "1s" missions (1 s agents, concurrency 2): how long alice's due
//               mission waits for its agent.
// The missions and tool calls go through this build's code (dist/); only the workers come from `bin`,
// so that two builds (main and a branch) are measured in the same way.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newMission } from '../dist/src/mission/build.js';
import { CreateMissionInput } from '../dist/src/mission/input.js';
import { newImportId, newMissionId } from '../dist/src/ids.js';
import { openStore } from '../dist/src/store/index.js';
import { callTool } from '../dist/src/dispatch.js';
import { realDeps } from '../dist/src/deps.js';
import { pauseMission } from '../dist/tools/pause-mission.js';
import { resumeMission } from '../dist/tools/resume-mission.js';
import { runMission } from '../dist/tools/run-mission.js';
import { updateMission } from '../dist/tools/update-mission.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const quiet = { log: () => undefined };

/** An agent (node, no shell): logs its start and end; stub words in the prompt pick what it does. */
const AGENT = `
import { appendFileSync } from 'node:fs';
const spawnedAt = Date.now();
const log = (o) => appendFileSync(process.env.BENCH_LOG, JSON.stringify({ ...o, run: process.env.MISSION_RUN_ID, mission: process.env.MISSION_ID, t: Date.now() }) + '\\n');
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  const opt = (k) => Number(new RegExp('bench:' + k + '=(\\\\d+)').exec(input)?.[1] ?? 0);
  log({ event: 'start', spawnedAt });
  if (opt('term')) process.on('SIGTERM', () => setTimeout(() => { log({ event: 'end' }); process.exit(143); }, opt('term')));
  setTimeout(() => { log({ event: 'end' }); process.exit(0); }, opt('sleep'));
});
`;

async function within(what, ms, probe) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) return undefined;
    await sleep(50);
  }
}

function fixture(bin) {
  const dir = mkdtempSync(join(tmpdir(), 'missions-runner-abuse-'));
  const agent = join(dir, 'agent.mjs');
  writeFileSync(agent, AGENT);
  const log = join(dir, 'agents.log');
  appendFileSync(log, '');
  const store = join(dir, 'missions.json');
  const workers = [];
  return {
    dir,
    store,
    events: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)),
    agents(command, settings = {}) {
      const file = join(dir, 'agents.json');
      const entry = { command: command ?? [process.execPath, agent], env: { BENCH_LOG: log }, retries: 0, retryDelaySeconds: 0, ...settings };
      writeFileSync(file, JSON.stringify({ agents: { claude: entry } }));
      return file;
    },
    async put(inputs, owner) {
      const s = openStore(store, quiet);
      const missions = inputs.map((raw) => newMission(CreateMissionInput.parse(raw), { now: new Date(), newImportId, id: newMissionId(), owner }));
      await s.write(() => ({ put: missions, result: undefined }));
      await s.close();
      return missions;
    },
    worker(args, env = {}) {
      const child = spawn(process.execPath, [bin, 'run', '--store', store, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
      child.stderr.resume();
      const exited = new Promise((r) => child.once('exit', r));
      workers.push({ child, exited });
      return { child, exited };
    },
    /** SIGTERM to the workers (SIGKILL if one is still there 40 s later). */
    async stop() {
      for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
      await Promise.race([Promise.all(workers.map((w) => w.exited)), sleep(40_000)]);
      for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    },
    async end() {
      await this.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function escapeRow(bin) {
  const f = fixture(bin);
  try {
    const exited = join(f.dir, 'exited');
    // The agent: a process in a new session that holds its output, then its own exit (time noted first).
    const script = `setsid sleep 15 & date +%s%3N > ${exited}; exit 0`;
    const [m] = await f.put([{ title: 'escape', goal: 'g', schedule: { type: 'once' } }], { user: 'local', org: null });
    f.worker(['--agents', f.agents(['sh', '-c', script], { timeoutSeconds: 8 })]);
    const store = openStore(f.store, quiet);
    const run = await within('settled', 30_000, async () => (await store.runsOf(m.id)).find((r) => r.status !== 'running'));
    await store.close();
    if (!run) return 'not settled within 30 s';
    const exitAt = Number(readFileSync(exited, 'utf8'));
    return `${Date.parse(run.endedAt) - exitAt} ms from the agent's exit to its run settled, recorded ${run.status}${run.exitCode !== null ? ` (exit ${run.exitCode})` : ''}`;
  } finally {
    await f.end();
  }
}

export async function overlapRow(bin, seed, seconds) {
  const f = fixture(bin);
  try {
    let state = seed;
    const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const goals = Array.from({ length: 5 }, (_, i) => ({ title: `m${i}`, goal: `bench:sleep=${700 + i * 300} bench:term=${400 + i * 250}`, schedule: { type: 'continuous', value: '1s' } }));
    const missions = await f.put(goals, { user: 'local', org: null });
    const agents = f.agents();
    for (let i = 0; i < 2; i++) f.worker(['--agents', agents, '--concurrency', '3'], { MISSIONS_STOP_GRACE: '0' });
    const store = openStore(f.store, quiet);
    const deps = realDeps(store, 'compact');
    const call = (tool, input) => callTool(tool, input, deps, () => undefined);
    const gap = () => sleep(random() * 300);
    let calls = 0;
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until) {
      const id = missions[Math.floor(random() * missions.length)].id;
      const dice = random();
      if (dice < 0.4) {
        await call(pauseMission, { id });
        await gap();
        await call(resumeMission, { id });
        await call(runMission, { id });
        calls += 3;
      } else {
        await (dice < 0.6 ? call(updateMission, { id, status: 'pending' }) : dice < 0.8 ? call(runMission, { id }) : call(resumeMission, { id }));
        calls++;
      }
      await gap();
    }
    await store.close();
    await f.stop(); // the agents end within their SIGTERM delay; their ends are logged
    const events = f.events();
    const ends = new Map(events.filter((e) => e.event === 'end').map((e) => [e.run, e.t]));
    const overlaps = [];
    for (const m of missions) {
      let lastEnd = -Infinity;
      for (const s of events.filter((e) => e.event === 'start' && e.mission === m.id).sort((a, b) => a.spawnedAt - b.spawnedAt)) {
        if (s.spawnedAt <= lastEnd) overlaps.push(lastEnd === Infinity ? Infinity : lastEnd - s.spawnedAt);
        lastEnd = Math.max(lastEnd, ends.get(s.run) ?? Infinity);
      }
    }
    const starts = events.filter((e) => e.event === 'start').length;
    overlaps.sort((a, b) => a - b);
    const spread = overlaps.length ? ` (a second agent started while the first lived: median ${overlaps[Math.floor(overlaps.length / 2)]} ms, longest ${overlaps.at(-1)} ms)` : '';
    return `${overlaps.length} overlaps${spread} in ${seconds} s: ${calls} tool calls, ${starts} agents (seed ${seed})`;
  } finally {
    await f.end();
  }
}

export async function starvationRow(bin) {
  const f = fixture(bin);
  try {
    const bobs = Array.from({ length: 60 }, (_, i) => ({ title: `bob ${i}`, goal: 'bench:sleep=1000', schedule: { type: 'continuous', value: '1s' } }));
    await f.put(bobs, { user: 'bob', org: 'acme' });
    f.worker(['--agents', f.agents(), '--concurrency', '2'], { MISSIONS_STOP_GRACE: '0' });
    await within("bob's agents", 30_000, () => f.events().filter((e) => e.event === 'start').length >= 4);
    const asked = Date.now();
    const [alice] = await f.put([{ title: 'alice', goal: 'bench:sleep=0', schedule: { type: 'once' } }], { user: 'alice', org: 'acme' });
    const started = await within("alice's agent", 90_000, () => f.events().find((e) => e.event === 'start' && e.mission === alice.id));
    if (!started) return 'alice waited more than 90 s';
    const bobBetween = f.events().filter((e) => e.event === 'start' && e.mission !== alice.id && e.spawnedAt > asked && e.spawnedAt < started.spawnedAt).length;
    return `alice's mission waited ${((started.spawnedAt - asked) / 1000).toFixed(1)} s for its agent; ${bobBetween} of bob's agents started before it`;
  } finally {
    await f.end();
  }
}
