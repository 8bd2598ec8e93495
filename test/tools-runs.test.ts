// SPEC §12, the tools side: runMission, listRuns, getRun; manual runs opened and closed by setting a
// mission running by hand; a worker's run cancelled by pause or forced delete; origin and depth of
// missions made during a run; warnings; run records and outputs on the JSON-file store across
// processes (store instances), kept to the newest 100 per mission.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ORPHAN_END_MS, claim, finish } from '../src/run/lifecycle.js';
import { expireLostRuns, finishRun, keepAlive } from '../src/runner/store-ops.js';
import { agentChecker } from '../src/runner/agent-check.js';
import { openJsonFileStore, openMemoryStore } from '../src/store/index.js';
import type { MissionStore } from '../src/store/types.js';
import { call, closedAfterEach, fixedClock, ok, tempDir } from './helpers.js';

const { cleanups, harness } = closedAfterEach(afterEach);


/** What a worker does, through the same pure functions the runner uses. */
async function workerClaims(store: MissionStore, id: string, now: Date, runId = 'run_AAAAAAAAAAAAAAAAAAAA') {
  return store.write(async (view) => {
    const c = claim((await view.get(id))!, await view.runsOf(id), now, { runId, worker: 'w1', leaseMs: 60_000, maxDepth: 3 });
    if (c.kind === 'skip') throw new Error('not due');
    if (c.kind !== 'run') throw new Error(`not started: ${c.kind}`);
    return { put: c.change.mission ? [c.change.mission] : [], runs: c.change.runs, removeRuns: c.change.removeRuns, result: c.run };
  });
}

describe('one agent of a mission at a time', () => {
  it('a worker that died with its run cancelled: its lease holds ORPHAN_END_MS past its end (the supervisor ends the agent), then the mission runs again', async () => {
    const clock = fixedClock('2026-12-02T10:00:00.000Z');
    const store = openMemoryStore();
    const h = await harness({ store, now: clock.now });
    const { mission } = await ok(h.client, 'createMission', { title: 'Worker', goal: 'G', schedule: { type: 'once' } });
    const run = await workerClaims(store, mission.id, clock.now());
    await ok(h.client, 'updateMission', { id: mission.id, status: 'pending' }); // closed by hand; its worker then dies
    await ok(h.client, 'runMission', { id: mission.id });
    const leaseEnds = Date.parse(run.leaseExpiresAt!);
    clock.advance(leaseEnds + ORPHAN_END_MS - clock.now().getTime());
    await expect(workerClaims(store, mission.id, clock.now(), 'run_BBBBBBBBBBBBBBBBBBBB')).rejects.toThrow('not due');
    clock.advance(1);
    expect((await workerClaims(store, mission.id, clock.now(), 'run_BBBBBBBBBBBBBBBBBBBB')).status).toBe('running');
  });

  it('its worker renews the lease of a run closed elsewhere while the agent stops, and never revives a dropped one', async () => {
    const clock = fixedClock('2026-12-02T10:00:00.000Z');
    const store = openMemoryStore();
    const h = await harness({ store, now: clock.now });
    const { mission } = await ok(h.client, 'createMission', { title: 'Worker', goal: 'G', schedule: { type: 'once' } });
    const run = await workerClaims(store, mission.id, clock.now());
    await ok(h.client, 'pauseMission', { id: mission.id });
    clock.advance(20_000);
    const beat = () => ({ id: 'w1', host: 'h', pid: 1, startedAt: run.startedAt, seenAt: clock.now().toISOString(), leaseSeconds: 60 });
    await keepAlive(store, beat(), [run.id], 60_000);
    expect((await store.getRun(run.id))!.leaseExpiresAt).toBe(new Date(clock.now().getTime() + 60_000).toISOString());
    await finishRun(store, run.id, 'w1', { status: 'cancelled' }, '', clock.now(), { retries: 0, retryDelayMs: 0 });
    await keepAlive(store, beat(), [run.id], 60_000);
    expect((await store.getRun(run.id))!.leaseExpiresAt).toBeNull();
  });

  it('a lost run keeps its lease: the retry waits until it has passed by ORPHAN_END_MS', async () => {
    const clock = fixedClock('2026-12-02T10:00:00.000Z');
    const store = openMemoryStore();
    const h = await harness({ store, now: clock.now });
    const { mission } = await ok(h.client, 'createMission', { title: 'Worker', goal: 'G', schedule: { type: 'once' } });
    const run = await workerClaims(store, mission.id, clock.now());
    clock.advance(60_001);
    const [lost] = await expireLostRuns(store, clock.now(), () => ({ retries: 1, retryDelayMs: 0 }));
    expect(lost).toMatchObject({ status: 'lost', leaseExpiresAt: run.leaseExpiresAt });
    await expect(workerClaims(store, mission.id, clock.now(), 'run_BBBBBBBBBBBBBBBBBBBB')).rejects.toThrow('not due');
    clock.advance(ORPHAN_END_MS);
    expect((await workerClaims(store, mission.id, clock.now(), 'run_BBBBBBBBBBBBBBBBBBBB')).trigger).toBe('retry');
  });
});

describe('runMission', () => {
  it('makes a pending mission due now as a manual run, warns that no runner is seen, and is idempotent', async () => {
    const clock = fixedClock('2026-12-02T10:00:00.000Z');
    const h = await harness({ now: clock.now });
    const { mission } = await ok(h.client, 'createMission', { title: 'Digest', goal: 'Write the digest' });
    expect(mission.schedule.nextRun).toBeNull();
    const first = await ok(h.client, 'runMission', { id: mission.id });
    expect(first.mission.schedule.nextRun).toBe('2026-12-02T10:00:00.000Z');
    expect(first.mission.queuedRun).toEqual({ trigger: 'manual', attempt: 1, slot: null });
    expect(first.warnings.join(' ')).toMatch(/no runner seen on this store lately: start "missions-mcp run"/);
    const due = await ok(h.client, 'listMissions', { dueBefore: '2026-12-02T10:00:00Z', mode: 'compact' });
    expect(due.missions.map((m: { id: string }) => m.id)).toEqual([mission.id]);
    clock.advance(1000);
    const again = await ok(h.client, 'runMission', { id: mission.id });
    expect(again.mission.updatedAt).toBe(first.mission.updatedAt);
    // The manual run belongs to the nextRun it was queued for: pausing drops it, and resuming does not bring it back.
    expect((await ok(h.client, 'pauseMission', { id: mission.id })).mission.queuedRun).toBeNull();
    expect((await ok(h.client, 'resumeMission', { id: mission.id })).mission).toMatchObject({ queuedRun: null, schedule: { nextRun: null } });
  });

  it('no warning once a worker has a fresh heartbeat on the store', async () => {
    const clock = fixedClock('2026-12-02T10:00:00.000Z');
    const store = openMemoryStore();
    const h = await harness({ store, now: clock.now });
    await store.write(() => ({ workers: [{ id: 'w1', host: 'h', pid: 1, startedAt: clock.now().toISOString(), seenAt: clock.now().toISOString(), leaseSeconds: 60 }], result: null }));
    const { mission } = await ok(h.client, 'createMission', { title: 'T', goal: 'G' });
    expect((await ok(h.client, 'runMission', { id: mission.id })).warnings).toBeUndefined();
    clock.advance(61_000);
    const { mission: other } = await ok(h.client, 'createMission', { title: 'T2', goal: 'G' });
    expect((await ok(h.client, 'runMission', { id: other.id })).warnings).toHaveLength(1);
  });

  it('refuses a paused, archived or running mission with what to do, and a mission re-running itself from its own run', async () => {
    const h = await harness();
    const { mission } = await ok(h.client, 'createMission', { title: 'T', goal: 'G', status: 'paused' });
    const paused = await call(h.client, 'runMission', { id: mission.id });
    expect(paused.body.error).toMatchObject({ code: 'conflict', param: 'id' });
    expect(paused.body.error.message).toMatch(/resumeMission first/);
    await ok(h.client, 'updateMission', { id: mission.id, status: 'archived' });
    expect((await call(h.client, 'runMission', { id: mission.id })).body.error.message).toMatch(/status: "pending" \} first/);
    await ok(h.client, 'updateMission', { id: mission.id, status: 'pending' });
    await ok(h.client, 'updateMission', { id: mission.id, status: 'running' });
    expect((await call(h.client, 'runMission', { id: mission.id })).body.error.message).toMatch(/already running/);

    const store = openMemoryStore();
    const self = await harness({ store });
    const { mission: m } = await ok(self.client, 'createMission', { title: 'Loop', goal: 'G' });
    const asAgent = await harness({ store, origin: { runId: 'run_BBBBBBBBBBBBBBBBBBBB', missionId: m.id } });
    const refused = await call(asAgent.client, 'runMission', { id: m.id });
    expect(refused.body.error.message).toMatch(/cannot make itself due again from its own run/);
    expect((await ok(self.client, 'getMission', { id: m.id })).mission.queuedRun).toBeNull();
  });
});

describe('manual runs: setting running by hand', () => {
  it('opens a manual run and closes it as succeeded on pending, failed on failed; runCount and lastRun move', async () => {
    const clock = fixedClock('2026-12-02T10:00:00.000Z');
    const h = await harness({ now: clock.now });
    const { mission } = await ok(h.client, 'createMission', { title: 'By hand', goal: 'G' });
    await ok(h.client, 'updateMission', { id: mission.id, status: 'running' });
    let runs = await ok(h.client, 'listRuns', { missionId: mission.id });
    expect(runs.runs).toHaveLength(1);
    expect(runs.runs[0]).toMatchObject({ status: 'running', trigger: 'manual', worker: null, attempt: 1, startedAt: '2026-12-02T10:00:00.000Z' });
    clock.advance(5000);
    await ok(h.client, 'updateMission', { id: mission.id, status: 'pending' });
    runs = await ok(h.client, 'listRuns', { missionId: mission.id });
    expect(runs.runs[0]).toMatchObject({ status: 'succeeded', durationMs: 5000, endedAt: '2026-12-02T10:00:05.000Z' });
    await ok(h.client, 'updateMission', { id: mission.id, status: 'running' });
    await ok(h.client, 'updateMission', { id: mission.id, status: 'failed' });
    runs = await ok(h.client, 'listRuns', { missionId: mission.id, mode: 'compact' });
    expect(runs.runs.map((r: { status: string }) => r.status)).toEqual(['failed', 'succeeded']);
    expect((await ok(h.client, 'getMission', { id: mission.id })).mission.schedule.runCount).toBe(2);
  });

  it('a worker\'s run is cancelled when the mission is paused, and goes with the mission on a forced delete', async () => {
    const clock = fixedClock('2026-12-02T10:00:00.000Z');
    const store = openMemoryStore();
    const h = await harness({ store, now: clock.now });
    const { mission } = await ok(h.client, 'createMission', { title: 'Worker', goal: 'G', schedule: { type: 'once' } });
    const run = await workerClaims(store, mission.id, clock.now());
    expect((await ok(h.client, 'getMission', { id: mission.id })).mission.status).toBe('running');
    await ok(h.client, 'pauseMission', { id: mission.id });
    const got = await ok(h.client, 'getRun', { id: run.id });
    expect(got.run).toMatchObject({ status: 'cancelled', error: 'cancelled: the mission was set to "paused" while it ran' });
    // The worker's own finish comes later and changes nothing.
    const late = await store.write(async (view) => {
      const c = finish(await view.get(mission.id), await view.runsOf(mission.id), run, { status: 'succeeded', exitCode: 0 }, clock.now(), { retries: 0, retryDelayMs: 0 });
      return { ...c, put: c.mission ? [c.mission] : [], result: c };
    });
    expect(late.runs).toEqual([]);
    expect((await ok(h.client, 'getMission', { id: mission.id })).mission.status).toBe('paused');

    await ok(h.client, 'resumeMission', { id: mission.id });
    await ok(h.client, 'runMission', { id: mission.id });
    // The first agent may still be stopping: while its worker holds the lease, no second agent starts.
    expect((await ok(h.client, 'getRun', { id: run.id })).run.leaseExpiresAt).toBe(run.leaseExpiresAt);
    await expect(workerClaims(store, mission.id, clock.now(), 'run_BBBBBBBBBBBBBBBBBBBB')).rejects.toThrow('not due');
    // Its agent gone, the worker drops the lease and keeps the output: then the mission may run again.
    const policy = { retries: 0, retryDelayMs: 0 };
    expect(await finishRun(store, run.id, 'w1', { status: 'cancelled', outputBytes: 5 }, 'bye\n', clock.now(), policy)).toEqual({ written: false, released: true });
    expect((await ok(h.client, 'getRun', { id: run.id })).run).toMatchObject({ status: 'cancelled', leaseExpiresAt: null, output: 'bye\n', outputBytes: 5 });
    await workerClaims(store, mission.id, clock.now(), 'run_CCCCCCCCCCCCCCCCCCCC');
    expect((await call(h.client, 'deleteMission', { id: mission.id })).body.error.code).toBe('conflict');
    await ok(h.client, 'deleteMission', { id: mission.id, force: true });
    expect((await call(h.client, 'getRun', { id: 'run_CCCCCCCCCCCCCCCCCCCC' })).body.error.code).toBe('not_found');
    expect((await ok(h.client, 'listRuns', {})).total).toBe(0);
  });
});

describe('origin: missions made during a run', () => {
  it('records the run and counts the depth of the chain; the runner refuses past --max-depth and says why', async () => {
    const clock = fixedClock('2026-12-02T10:00:00.000Z');
    const store = openMemoryStore();
    const person = await harness({ store, now: clock.now });
    let { mission: parent } = await ok(person.client, 'createMission', { title: 'Root', goal: 'G' });
    expect(parent.origin).toBeNull();
    const chain = [parent];
    for (let depth = 1; depth <= 4; depth++) {
      const agent = await harness({ store, now: clock.now, origin: { runId: `run_${String(depth).repeat(20)}`, missionId: parent.id } });
      parent = (await ok(agent.client, 'createMission', { title: `Child ${depth}`, goal: 'G', schedule: { type: 'once' } })).mission;
      expect(parent.origin).toEqual({ runId: `run_${String(depth).repeat(20)}`, missionId: chain[depth - 1].id, depth });
      chain.push(parent);
    }
    const view = await store.read();
    const ok3 = claim(view.get(chain[3].id)!, [], clock.now(), { runId: 'run_DDDDDDDDDDDDDDDDDDDD', worker: 'w', leaseMs: 1000, maxDepth: 3 });
    expect(ok3.kind).toBe('run');
    const deep = claim(view.get(chain[4].id)!, [], clock.now(), { runId: 'run_EEEEEEEEEEEEEEEEEEEE', worker: 'w', leaseMs: 1000, maxDepth: 3 });
    expect(deep.kind).toBe('refused');
    if (deep.kind !== 'refused') return;
    expect(deep.change.mission!.status).toBe('failed');
    expect(deep.run).toMatchObject({ status: 'failed' });
    expect(deep.run.error).toMatch(/chain of 4 runs .* deeper than the limit of 3 \(--max-depth\)/);
  });
});

describe('warnings', () => {
  it('a once time in the past, and a next run that would fall after endsAt', async () => {
    const clock = fixedClock('2026-12-02T10:00:00.000Z');
    const h = await harness({ now: clock.now });
    const past = await ok(h.client, 'createMission', { title: 'T', goal: 'G', schedule: { type: 'once', value: '2026-12-01T09:00:00Z' } });
    expect(past.warnings[0]).toMatch(/schedule.value 2026-12-01T09:00:00.000Z is in the past: the mission is due now/);
    const late = await ok(h.client, 'createMission', { title: 'T', goal: 'G', schedule: { type: 'cron', value: '0 9 * * 1' }, endsAt: '2026-12-03T00:00:00Z' });
    expect(late.mission.schedule.nextRun).toBeNull();
    expect(late.warnings.join(' ')).toMatch(/next run would fall after endsAt/);
    const quiet = await ok(h.client, 'createMission', { title: 'T', goal: 'G' });
    expect(quiet.warnings).toBeUndefined();
  });
});

describe('listRuns and getRun', () => {
  it('newest first, filters, a cursor that neither repeats nor skips while runs start, compact output excerpt, visibility', async () => {
    const clock = fixedClock('2026-12-02T10:00:00.000Z');
    const store = openMemoryStore();
    const alice = await harness({ store, now: clock.now, identity: { kind: 'token', user: 'alice', org: 'acme' } });
    const bob = await harness({ store, now: clock.now, identity: { kind: 'token', user: 'bob', org: 'acme' } });
    const { mission } = await ok(alice.client, 'createMission', { title: 'Mine', goal: 'G' });
    for (let i = 0; i < 5; i++) {
      await ok(alice.client, 'updateMission', { id: mission.id, status: 'running' });
      clock.advance(1000);
      await ok(alice.client, 'updateMission', { id: mission.id, status: i % 2 ? 'failed' : 'pending' });
      if (i % 2) await ok(alice.client, 'updateMission', { id: mission.id, status: 'pending' });
    }
    const page1 = await ok(alice.client, 'listRuns', { limit: 2 });
    expect(page1).toMatchObject({ total: 5, hasMore: true });
    // A new run starts between pages: it is newer, so it never shows on later pages.
    await ok(alice.client, 'updateMission', { id: mission.id, status: 'running' });
    const page2 = await ok(alice.client, 'listRuns', { limit: 2, cursor: page1.nextCursor });
    const page3 = await ok(alice.client, 'listRuns', { limit: 2, cursor: page2.nextCursor });
    const seen = [...page1.runs, ...page2.runs, ...page3.runs].map((r: { id: string }) => r.id);
    expect(new Set(seen).size).toBe(5);
    expect(page3).toMatchObject({ hasMore: false, nextCursor: null });
    const failed = await ok(alice.client, 'listRuns', { status: 'failed', mode: 'compact' });
    expect(failed.total).toBe(2);
    expect(Object.keys(failed.runs[0]).sort()).toEqual(['durationMs', 'id', 'missionId', 'startedAt', 'status', 'trigger']);
    expect((await call(alice.client, 'listRuns', { status: 'failed', cursor: page1.nextCursor })).body.error).toMatchObject({ code: 'invalid_request', param: 'cursor' });

    // bob (same org) cannot see alice's private mission, nor its runs.
    expect((await ok(bob.client, 'listRuns', {})).total).toBe(0);
    expect((await call(bob.client, 'listRuns', { missionId: mission.id })).body.error.code).toBe('not_found');
    expect((await call(bob.client, 'getRun', { id: seen[0] })).body.error.code).toBe('not_found');
    expect((await call(alice.client, 'getRun', { id: 'run_nope' })).body.error).toMatchObject({ code: 'invalid_request', param: 'id' });
  });

  it('getRun has the output; compact keeps its end', async () => {
    const clock = fixedClock('2026-12-02T10:00:00.000Z');
    const store = openMemoryStore();
    const h = await harness({ store, now: clock.now });
    const { mission } = await ok(h.client, 'createMission', { title: 'T', goal: 'G', schedule: { type: 'once' } });
    const run = await workerClaims(store, mission.id, clock.now());
    const output = `${'x'.repeat(2000)}\nDONE: 3 posts written\n`;
    await store.write(async (view) => {
      const c = finish(await view.get(mission.id), await view.runsOf(mission.id), run, { status: 'succeeded', exitCode: 0, outputBytes: output.length }, clock.now(), { retries: 0, retryDelayMs: 0 });
      return { put: [c.mission!], runs: c.runs, outputs: { [run.id]: output }, result: null };
    });
    const full = await ok(h.client, 'getRun', { id: run.id });
    expect(full.run).toMatchObject({ status: 'succeeded', exitCode: 0, output, outputBytes: output.length });
    const compact = await ok(h.client, 'getRun', { id: run.id, mode: 'compact' });
    expect(compact.run.output).toMatch(/^….*DONE: 3 posts written\n$/s);
    expect(compact.run.output.length).toBe(601);
    expect((await ok(h.client, 'getMission', { id: mission.id })).mission.status).toBe('completed');
  });
});

describe('run records on the JSON-file store', () => {
  it('another store instance (another process) sees runs and outputs; 100 kept per mission, dropped outputs removed from disk', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const file = join(tmp.dir, 'missions.json');
    const a = openJsonFileStore(file);
    const b = openJsonFileStore(file);
    cleanups.push(() => a.close(), () => b.close());
    const clock = fixedClock('2026-12-02T10:00:00.000Z');
    const h = await harness({ store: a, now: clock.now });
    const { mission } = await ok(h.client, 'createMission', { title: 'T', goal: 'G', schedule: { type: 'continuous' } });
    const ids: string[] = [];
    for (let i = 0; i < 103; i++) {
      clock.set(new Date(Date.parse('2026-12-02T10:00:00Z') + i * 120_000).toISOString());
      const runId = `run_${String(i).padStart(20, '0')}`;
      const run = await workerClaims(a, mission.id, clock.now(), runId);
      clock.advance(1000);
      await a.write(async (view) => {
        const c = finish(await view.get(mission.id), await view.runsOf(mission.id), run, { status: 'succeeded', exitCode: 0, outputBytes: 6 }, clock.now(), { retries: 0, retryDelayMs: 0 });
        return { put: [c.mission!], runs: c.runs, outputs: { [run.id]: `out ${i}` }, result: null };
      });
      ids.push(runId);
    }
    const view = await b.read();
    expect(view.runs.ofMission(mission.id)).toHaveLength(100);
    expect(view.runs.get(ids[0]!)).toBeUndefined();
    expect(view.runs.get(ids[102]!)!.status).toBe('succeeded');
    expect(await b.readRunOutput(view.runs.get(ids[102]!)!)).toBe('out 102');
    const outs = readdirSync(`${file}.runs`);
    expect(outs).toHaveLength(100);
    expect(existsSync(join(`${file}.runs`, `${ids[0]}.out`))).toBe(false);
    // A new process (a fresh store instance) reads them from the snapshot and journal.
    const c = openJsonFileStore(file);
    cleanups.push(() => c.close());
    expect((await c.read()).runs.size).toBe(100);
  });
});

describe('warning: an agent type whose agent is not installed here', () => {
  it('is said beside a scheduled mission whose agent program is not on PATH, and not when it is', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const agentsFile = join(tmp.dir, 'agents.json');
    writeFileSync(agentsFile, JSON.stringify({ agents: { codex: { command: ['no-such-agent-binary', 'exec'] }, claude: { command: [process.execPath] } } }));
    const check = agentChecker(agentsFile);
    expect(check('claude')).toBeUndefined();
    expect(check('codex')).toMatch(/agentType codex runs "no-such-agent-binary", which is not installed here/);
    const h = await harness({ agentProblem: check });
    const codex = await ok(h.client, 'createMission', { title: 'T', goal: 'G', agentType: 'codex', schedule: { type: 'cron', value: '0 9 * * *' } });
    expect(codex.warnings.join('\n')).toMatch(/not installed here .*agents\.codex\.command/);
    const claude = await ok(h.client, 'createMission', { title: 'T', goal: 'G', schedule: { type: 'cron', value: '0 9 * * *' } });
    expect(claude.warnings.join('\n')).not.toMatch(/not installed/);
    const unscheduled = await ok(h.client, 'createMission', { title: 'T', goal: 'G', agentType: 'codex' });
    expect(unscheduled.warnings).toBeUndefined();
  });
});
