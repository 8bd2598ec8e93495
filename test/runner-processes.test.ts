// SPEC §12 with real worker processes (`missions-mcp run`) on one real store (a file, then PostgreSQL) and a stub agent:
// exactly once across processes, SIGKILL of workers at random instants, SIGTERM, --once, shell
// metacharacters, a bad agents file. Exactly-once is proven by the stub's own log, not the store.
import { withoutPassword } from '../src/store/postgres/target.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { realDeps } from '../src/deps.js';
import { callTool } from '../src/dispatch.js';
import { LOCAL_USER } from '../src/mission/access.js';
import type { Mission } from '../src/mission/model.js';
import type { RunRecord } from '../src/run/model.js';
import { openStore } from '../src/store/index.js';
import type { AnyTool } from '../src/tool.js';
import { pauseMission } from '../tools/pause-mission.js';
import { resumeMission } from '../tools/resume-mission.js';
import { runMission } from '../tools/run-mission.js';
import { updateMission } from '../tools/update-mission.js';
import { SHARED_ENGINES } from './store-engines.js';
import { killStubs, pidAlive, putMissions, runnerFixture, WorkerProcesses, type RunnerFixture } from './runner-helpers.js';
import { testRandom } from './random.js';
import { waitFor } from './wait.js';

const workers = new WorkerProcesses();
let fx: RunnerFixture | undefined;

afterEach(async () => {
  await workers.killAll();
  if (fx) {
    killStubs(fx.events());
    fx.cleanup();
    fx = undefined;
  }
});

/** Every mission and run in the store at `location` (a file or a PostgreSQL database), asked through the store interface. */
async function storeState(location: string) {
  const store = openStore(location, { log: () => undefined });
  try {
    const missions: Mission[] = [];
    const runs: RunRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list({ limit: 100, ...(cursor ? { cursor } : {}) }, LOCAL_USER, new Date());
      missions.push(...page.missions);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    do {
      const page = await store.listRuns({ limit: 100, ...(cursor ? { cursor } : {}) }, LOCAL_USER);
      runs.push(...page.runs);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return { missions, runs };
  } finally {
    await store.close();
  }
}

const once = (i: number, goal = 'stub:sleep=200') => ({ title: `m${i}`, goal, schedule: { type: 'once' } });

describe.each(SHARED_ENGINES)('runner processes on one $name store', (engine) => {
  it('3 worker processes x concurrency 4 on 24 due missions: each runs exactly once, every run recorded', async () => {
    fx = runnerFixture();
    const f = fx;
    const { store, location } = await engine.open();
    const missions = await putMissions(store, Array.from({ length: 24 }, (_, i) => once(i)));
    await store.close();
    f.writeAgents();
    const procs = [0, 1, 2].map(() => workers.start(['--store', location, '--agents', f.agentsFile, '--concurrency', '4']));
    await waitFor('24 missions completed', async () => (await storeState(location)).missions.every((m) => m.status === 'completed'), { timeoutMs: 60_000, everyMs: 250 });
    for (const p of procs) p.child.kill('SIGTERM');
    const exits = await Promise.all(procs.map((p) => p.exited));

    const starts = f.starts();
    const perMission = new Map<string, number>();
    for (const s of starts) perMission.set(s.mission, (perMission.get(s.mission) ?? 0) + 1);
    const byWorker = procs.map((p) => (p.stderr().match(/ started: /g) ?? []).length);
    console.log(`${engine.name}: 3 workers x 4: ${starts.length} stub starts for ${perMission.size} missions; runs per worker ${byWorker.join('/')}; exits ${exits.map((e) => e.code).join('/')}`);
    expect(starts).toHaveLength(24);
    expect(perMission.size).toBe(24);
    for (const m of missions) expect(perMission.get(m.id)).toBe(1);
    const { runs } = await storeState(location);
    expect(runs).toHaveLength(24);
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true);
    expect(new Set(runs.map((r) => r.missionId)).size).toBe(24);
    expect(new Set(starts.map((s) => s.run))).toEqual(new Set(runs.map((r) => r.id)));
    expect(exits.every((e) => e.code === 0)).toBe(true);
  });

  // 6 kills per store (12 in all): each round loses runs to lease expiry and respawns a worker.
  it('SIGKILL of a worker mid-run, 6 times at random instants: every slot still runs to an outcome, no run left running, no orphan agent', async () => {
    fx = runnerFixture();
    const f = fx;
    const { store, location } = await engine.open();
    // Each agent also leaves a process in a new session: a killed worker's supervisor must end it too.
    await putMissions(store, Array.from({ length: 12 }, (_, i) => once(i, 'stub:sleep=1200 stub:grandchild stub:escape')));
    await store.close();
    f.writeAgents({ retries: 100, retryDelaySeconds: 0 });
    const args = ['--store', location, '--agents', f.agentsFile, '--concurrency', '4', '--lease', '2'];
    let live = [workers.start(args), workers.start(args)];
    let kills = 0;
    const random = testRandom(`SIGKILL instants on ${engine.name}`);
    // A worker with an agent running: more "started" lines than "ended" ones in its log.
    const midRun = (w: (typeof live)[number]) => (w.stderr().match(/ started: /g) ?? []).length > (w.stderr().match(/ of msn_\w+ \w+ after /g) ?? []).length;
    while (kills < 6) {
      await new Promise((r) => setTimeout(r, 100 + random.int(900))); // a random instant, on purpose
      const candidates = await waitFor('a worker with an agent running', () => {
        const c = live.filter(midRun);
        return c.length ? c : undefined;
      });
      const victim = random.pick(candidates);
      victim.child.kill('SIGKILL');
      await victim.exited;
      kills++;
      live = live.filter((w) => w !== victim);
      live.push(workers.start(args));
    }
    await waitFor(
      'every mission completed and no run running',
      async () => {
        const s = await storeState(location);
        return s.missions.every((m) => m.status === 'completed') && s.runs.every((r) => r.status !== 'running');
      },
      { timeoutMs: 90_000, everyMs: 250 },
    );
    for (const w of live) w.child.kill('SIGTERM');
    await Promise.all(live.map((w) => w.exited));

    const { missions, runs } = await storeState(location);
    const count = (status: string) => runs.filter((r) => r.status === status).length;
    const starts = f.starts();
    // Supervisors of killed workers end their groups within 5 s of the lifeline closing.
    const pids = starts.flatMap((s) => [s.pid, s.grandchild!, s.escaped!]);
    await waitFor('every agent process gone', () => pids.every((p) => !pidAlive(p)), { timeoutMs: 15_000, everyMs: 100 });
    console.log(
      `${engine.name}: SIGKILL x${kills}: ${missions.length} missions completed; ${runs.length} runs: ${count('succeeded')} succeeded, ${count('lost')} lost, ` +
        `${count('failed')} failed, ${count('cancelled')} cancelled; ${starts.length} stub starts; ${pids.length} agent pids, all gone`,
    );
    expect(missions.every((m) => m.status === 'completed')).toBe(true);
    expect(runs.some((r) => r.status === 'running')).toBe(false);
    expect(count('lost')).toBeGreaterThan(0); // the kills did cut runs short
    for (const m of missions) expect(runs.filter((r) => r.missionId === m.id && r.status === 'succeeded')).toHaveLength(1);
    expect(pids.filter(pidAlive)).toEqual([]);
  });

  it('SIGTERM: no new claims, a run that ends within the grace succeeds, the rest are cancelled, no orphans, exit 0', async () => {
    fx = runnerFixture();
    const f = fx;
    const { store, location } = await engine.open();
    const at = (i: number, goal: string) => ({ title: `m${i}`, goal, schedule: { type: 'once', value: `2026-01-01T00:00:0${i}Z` } });
    // The slow agent ignores SIGTERM and leaves a process in a new session that holds its output pipes.
    const [quick, slow, waiting] = await putMissions(store, [at(0, 'stub:sleep=1000'), at(1, 'stub:sleep=60000 stub:grandchild stub:ignore-term stub:escape'), at(2, 'stub:sleep=0')]);
    await store.close();
    f.writeAgents();
    const w = workers.start(['--store', location, '--agents', f.agentsFile, '--concurrency', '2'], { MISSIONS_STOP_GRACE: '3' });
    await waitFor('two agents started', () => f.starts().length === 2);
    w.child.kill('SIGTERM');
    // The grace (3 s), then SIGTERM to the group and SIGKILL 5 s later: 8 s, and a margin for a loaded machine.
    const exit = await Promise.race([w.exited, new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`the worker did not stop within 20 s of SIGTERM:\n${w.stderr()}`)), 20_000))]);
    const { missions, runs } = await storeState(location);
    const runOf = (id: string) => runs.find((r) => r.missionId === id);
    const starts = f.starts();
    console.log(`${engine.name}: SIGTERM: exit ${exit.code}; quick ${runOf(quick!.id)?.status}, slow ${runOf(slow!.id)?.status} (${runOf(slow!.id)?.error}); waiting mission runs: ${runs.filter((r) => r.missionId === waiting!.id).length}`);
    expect(exit.code).toBe(0);
    expect(runOf(quick!.id)?.status).toBe('succeeded');
    expect(runOf(slow!.id)?.status).toBe('cancelled');
    expect(runs.filter((r) => r.missionId === waiting!.id)).toHaveLength(0);
    expect(missions.find((m) => m.id === slow!.id)?.status).toBe('pending'); // due again for the next worker
    // Killed processes may take a moment to be reaped after the worker has exited.
    await waitFor('no agent process left', () => starts.flatMap((s) => [s.pid, s.grandchild, s.escaped]).every((p) => !pidAlive(p)), { timeoutMs: 5000 }).catch(() => undefined);
    expect(starts.flatMap((s) => [s.pid, s.grandchild, s.escaped]).filter(pidAlive)).toEqual([]);
    expect(w.stderr()).toMatch(/stopping: no new runs/);
  });

  it('--once runs what is due, exits 0 when all succeeded and 1 when one failed; shell metacharacters reach the agent verbatim and run nothing', async () => {
    fx = runnerFixture();
    const f = fx;
    const pwned = join(f.dir, 'pwned');
    const title = `Report $(touch ${pwned}) \`touch ${pwned}\`; rm -rf ${f.dir} | cat && echo "x" > ${pwned}`;
    const goal = `Summarise $(touch ${pwned}); \`touch ${pwned}\` ; rm -rf / ; $HOME \${PATH} 'quoted' "double" \\ * ? [a] ~ & | > < stub:sleep=0`;
    const { store, location, another } = await engine.open();
    const [m] = await putMissions(store, [{ title, goal, schedule: { type: 'once' } }]);
    await store.close();
    f.writeAgents();
    const ok = workers.start(['--store', location, '--agents', f.agentsFile, '--once']);
    expect((await ok.exited).code).toBe(0);
    const [start] = f.starts();
    expect(start!.stdin).toBe(`# Mission: ${title}\n\n${goal}\n`);
    expect(start!.mission).toBe(m!.id);
    expect(start!.store).toBe(engine.name === 'postgres' ? withoutPassword(location) : location); // never with its password (SPEC §12)
    expect(existsSync(pwned)).toBe(false);
    expect(existsSync(f.agentsFile)).toBe(true);
    console.log(`${engine.name}: metacharacters: the stub read ${start!.stdin!.length} characters verbatim; ${pwned} not created`);

    const store2 = another();
    await putMissions(store2, [once(1, 'stub:exit=3'), once(2, 'stub:exit=0')]);
    await store2.close();
    const failing = workers.start(['--store', location, '--agents', f.agentsFile, '--once']);
    const exit = await failing.exited;
    console.log(`${engine.name}: --once with one failing agent: exit ${exit.code}; ${failing.stderr().match(/--once: .*/)?.[0]}`);
    expect(exit.code).toBe(1);
    expect(failing.stderr()).toMatch(/the agent exited with code 3/);

    const store3 = another();
    const [bobs] = await putMissions(store3, [once(3, 'stub:sleep=0')], new Date(), { user: 'bob', org: 'acme' });
    const [alices] = await putMissions(store3, [once(4, 'stub:sleep=0')], new Date(), { user: 'alice', org: 'acme' });
    await store3.close();
    const onlyAlice = workers.start(['--store', location, '--agents', f.agentsFile, '--once', '--only-user', 'alice']);
    expect((await onlyAlice.exited).code, onlyAlice.stderr()).toBe(0);
    expect(f.starts().filter((s) => s.mission === alices!.id)).toHaveLength(1);
    expect(f.starts().filter((s) => s.mission === bobs!.id)).toHaveLength(0);
    expect(onlyAlice.stderr()).toMatch(/only the missions of user alice/);
  });

  // A few seconds of random tool calls per store; RUNNER_LOAD_SEED=N repeats a run.
  it('random load: two worker processes while tools pause, resume, run and close runs by hand: never two agents of one mission alive at once', async () => {
    fx = runnerFixture();
    const f = fx;
    const seed = Number(process.env.RUNNER_LOAD_SEED ?? Math.floor(Math.random() * 2 ** 31));
    let state = seed;
    const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const { store, location } = await engine.open();
    const goals = Array.from({ length: 5 }, (_, i) => ({ title: `m${i}`, goal: `stub:sleep=${700 + i * 300} stub:term-delay=${400 + i * 250}`, schedule: { type: 'continuous', value: '1s' } }));
    const missions = await putMissions(store, goals, new Date());
    f.writeAgents();
    const args = ['--store', location, '--agents', f.agentsFile, '--concurrency', '3'];
    const procs = [workers.start(args, { MISSIONS_STOP_GRACE: '0' }), workers.start(args, { MISSIONS_STOP_GRACE: '0' })];
    const deps = realDeps(store, { defaultMode: 'compact' });
    let calls = 0;
    let refused = 0;
    const call = async (tool: AnyTool, input: Record<string, unknown>) => {
      calls++;
      if ((await callTool(tool, input, deps, () => undefined)).isError) refused++;
    };
    const gap = (x: number) => new Promise((r) => setTimeout(r, x * 300));
    const until = Date.now() + 6_000;
    while (Date.now() < until) {
      const id = missions[Math.floor(random() * missions.length)]!.id;
      const dice = random();
      if (dice < 0.4) {
        // The sequence of the issue: stop it, start it again at once, while the agent still stops.
        await call(pauseMission, { id });
        await gap(random());
        await call(resumeMission, { id });
        await call(runMission, { id });
      } else if (dice < 0.6) await call(updateMission, { id, status: 'pending' }); // a run closed by hand
      else if (dice < 0.8) await call(runMission, { id });
      else await call(resumeMission, { id });
      await gap(random());
    }
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.exited));
    await store.close();

    const events = f.events();
    const ends = new Map(events.filter((e) => e.event === 'end').map((e) => [e.run, e.t]));
    const overlaps: string[] = [];
    for (const m of missions) {
      const starts = events.filter((e) => e.event === 'start' && e.mission === m.id).sort((a, b) => a.spawnedAt! - b.spawnedAt!);
      let lastEnd = -Infinity;
      for (const s of starts) {
        if (s.spawnedAt! <= lastEnd) overlaps.push(`${m.id}: run ${s.run} started ${lastEnd === Infinity ? 'while an agent never ended' : `${lastEnd - s.spawnedAt!} ms before the previous agent exited`}`);
        lastEnd = Math.max(lastEnd, ends.get(s.run) ?? Infinity);
      }
    }
    const agents = events.filter((e) => e.event === 'start').length;
    console.log(`${engine.name}: random load, seed ${seed}: ${calls} tool calls (${refused} refused), ${agents} agents started, ${overlaps.length} overlaps${overlaps.length ? `:\n  ${overlaps.join('\n  ')}` : ''}`);
    expect(agents).toBeGreaterThan(5);
    expect(overlaps).toEqual([]);
  });

  it('a bad agents file is bad usage (exit 2) naming the file and the field inside it', async () => {
    fx = runnerFixture();
    const f = fx;
    const { store, location } = await engine.open();
    await store.close();
    f.writeAgents({ command: [], timeoutSeconds: 'soon' }, { spaces: { web: 'relative/folder' } });
    const w = workers.start(['--store', location, '--agents', f.agentsFile]);
    const exit = await w.exited;
    console.log(`${engine.name}: bad agents file: exit ${exit.code}: ${w.stderr().trim().slice(0, 400)}`);
    expect(exit.code).toBe(2);
    expect(w.stderr()).toContain(f.agentsFile);
    expect(w.stderr()).toContain('agents.claude.command');
    expect(w.stderr()).toContain('agents.claude.timeoutSeconds');
    expect(w.stderr()).toContain('spaces.web');
    const bad = workers.start(['--store', location, '--concurrency', '0']);
    expect((await bad.exited).code).toBe(2);
    expect(bad.stderr()).toMatch(/--concurrency \(MISSIONS_CONCURRENCY\) must be a whole number from 1/);
  });
});
