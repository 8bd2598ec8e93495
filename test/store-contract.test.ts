// One store contract, run on every engine (the JSON file and PostgreSQL): the same questions give
// the same answers as the reference (listPage over every mission in memory), cursors stay stable
// while others write, parallel updates lose nothing, due work and runs and changesSince agree.
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_USER, tokenPrincipal, type Identity } from '../src/mission/access.js';
import { newMission } from '../src/mission/build.js';
import { CreateMissionInput } from '../src/mission/input.js';
import type { Mission } from '../src/mission/model.js';
import type { ListMissionsInput } from '../src/mission/query.js';
import { newImportId, newMissionId } from '../src/ids.js';
import type { RunRecord } from '../src/run/model.js';
import { openMemoryStore } from '../src/store/index.js';
import type { MissionStore } from '../src/store/types.js';
import { ENGINES } from './store-engines.js';
import { claimMission, expireLostRuns } from '../src/runner/store-ops.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const ALICE = tokenPrincipal('alice', 'acme');
const BOB = tokenPrincipal('bob', 'acme');
const EVE = tokenPrincipal('eve', null);
const WHO: Identity[] = [LOCAL_USER, ALICE, BOB, EVE];

/** 48 missions with every kind of owner, visibility, status, schedule (some with no nextRun) and text. */
function fixtures(): Mission[] {
  const owners = [{ user: 'alice', org: 'acme' }, { user: 'bob', org: 'acme' }, { user: 'eve', org: null }, { user: 'local', org: null }];
  const out: Mission[] = [];
  for (let i = 0; i < 48; i++) {
    const created = new Date(NOW.getTime() - (i % 7) * 60_000); // ties in createdAt: id decides
    const input = CreateMissionInput.parse({
      title: `${i % 3 === 0 ? 'Écrire' : i % 3 === 1 ? 'alpha' : 'Beta'} mission ${i % 5}`,
      goal: i % 4 === 0 ? 'post on LinkedIn weekly' : 'answer mail',
      visibility: (['private', 'organization', 'public'] as const)[i % 3],
      agentType: (['claude', 'gemini'] as const)[i % 2],
      ...(i % 4 === 0 ? { plan: { platforms: ['LinkedIn', 'x'] } } : {}),
      ...(i % 6 === 0 ? {} : { schedule: { type: 'once', value: new Date(NOW.getTime() + ((i % 9) - 4) * 3_600_000).toISOString() } }),
    });
    const m = newMission(input, { now: created, newImportId, id: newMissionId(), owner: owners[i % 4]! });
    out.push({ ...m, status: i % 10 === 9 ? 'paused' : m.status });
  }
  return out;
}

const QUERIES: ListMissionsInput[] = [
  {},
  { limit: 7 },
  { sort: 'title', order: 'asc', limit: 5 },
  { sort: 'nextRun', order: 'desc', limit: 6 },
  { sort: 'nextRun', limit: 4 },
  { sort: 'nextRun', order: 'asc', limit: 5 },
  { sort: 'createdAt', order: 'asc', limit: 8 },
  { sort: 'title', limit: 6 },
  { sort: 'updatedAt', order: 'asc', limit: 9 },
  { status: 'active', limit: 10 },
  { status: ['paused', 'pending'], agentType: 'gemini' },
  { visibility: 'organization', limit: 3 },
  { platform: 'linkedin', limit: 2 },
  { query: 'MISSION 3', limit: 4 },
  { dueBefore: 'now', limit: 3 },
];

/** Every page of a list, following nextCursor. */
async function allPages(store: MissionStore, q: ListMissionsInput, who: Identity) {
  const pages = [];
  let cursor: string | undefined;
  do {
    const page = await store.list({ ...q, ...(cursor ? { cursor } : {}) }, who, NOW);
    pages.push({ ids: page.missions.map((m) => m.id), total: page.total, hasMore: page.hasMore });
    cursor = page.nextCursor ?? undefined;
  } while (cursor && pages.length < 100);
  return pages;
}

const run = (id: string, missionId: string, startedAt: string, status: RunRecord['status'] = 'succeeded'): RunRecord => ({
  id, missionId, status, trigger: 'schedule', attempt: 1, agentType: 'claude', startedAt,
  endedAt: status === 'running' ? null : startedAt, durationMs: status === 'running' ? null : 1, exitCode: status === 'running' ? null : 0,
  signal: null, error: null, slot: null, retryAt: null, outputBytes: 0, worker: status === 'running' ? 'w1' : null, leaseExpiresAt: status === 'running' ? startedAt : null,
});

describe.each(ENGINES)('the store contract on $name', (engine) => {
  const opened: MissionStore[] = [];
  afterAll(async () => {
    for (const s of opened) await s.close();
  });
  const open = async () => {
    const o = await engine.open();
    opened.push(o.store);
    return { ...o, another: () => { const s = o.another(); opened.push(s); return s; } };
  };

  it('lists, pages and counts exactly as the reference does, for every caller', async () => {
    const { store } = await open();
    const reference = openMemoryStore();
    const missions = fixtures();
    await store.write(() => ({ put: missions, result: null }));
    await reference.write(() => ({ put: missions, result: null }));
    for (const who of WHO) {
      for (const q of QUERIES) {
        expect(await allPages(store, q, who), `${JSON.stringify(q)} as ${who.user}`).toEqual(await allPages(reference, q, who));
      }
    }
    const m = missions[5]!;
    expect(await store.get(m.id)).toEqual(m);
    expect(await store.get('msn_nothingHere000000')).toBeUndefined();
    expect(await store.ownedBy({ user: 'eve', org: null })).toBe(12);
    expect(await store.counts()).toEqual({ missions: 48, runs: 0 });
    // a cursor for other filters is refused the same way
    const first = await store.list({ limit: 2 }, LOCAL_USER, NOW);
    await expect(store.list({ limit: 2, status: 'paused', cursor: first.nextCursor! }, LOCAL_USER, NOW)).rejects.toThrow(/other filters/);
  });

  it('a cursor stays stable while other writers create and delete missions: none repeated, none skipped', async () => {
    const { store, another } = await open();
    const other = another();
    const missions = fixtures();
    await store.write(() => ({ put: missions, result: null }));
    const kept = new Set(missions.filter((_, i) => i % 2 === 0).map((m) => m.id));
    const seen: string[] = [];
    let cursor: string | undefined;
    let i = 0;
    do {
      const page = await store.list({ limit: 5, sort: 'title', ...(cursor ? { cursor } : {}) }, LOCAL_USER, NOW);
      seen.push(...page.missions.map((m) => m.id));
      cursor = page.nextCursor ?? undefined;
      // meanwhile, through another handle: one odd mission goes, one new one comes
      const gone = missions[2 * i + 1];
      const fresh = newMission(CreateMissionInput.parse({ title: `new ${i}`, goal: 'g' }), { now: NOW, newImportId, id: newMissionId(), owner: { user: 'local', org: null } });
      await other.write(() => ({ put: [fresh], remove: gone ? [gone.id] : [], result: null }));
      i++;
    } while (cursor);
    expect(new Set(seen).size, 'no mission twice').toBe(seen.length);
    for (const id of kept) expect(seen, `mission ${id} present throughout`).toContain(id);
  });

  it('parallel updates of one mission through two handles lose none', async () => {
    const { store, another } = await open();
    const other = another();
    const [m] = fixtures();
    await store.write(() => ({ put: [{ ...m!, goal: '0' }], result: null }));
    const bump = (s: MissionStore) =>
      s.write(async (v) => {
        const cur = (await v.get(m!.id))!;
        return { put: [{ ...cur, goal: String(Number(cur.goal) + 1) }], result: null };
      });
    await Promise.all(Array.from({ length: 30 }, (_, i) => bump(i % 2 ? store : other)));
    expect((await store.get(m!.id))!.goal).toBe('30');
  });

  it('a plan that throws writes nothing', async () => {
    const { store } = await open();
    const [m] = fixtures();
    await expect(store.write(() => { throw new Error('refused'); })).rejects.toThrow('refused');
    await expect(store.write(async (v) => { await v.get(m!.id); throw new Error('refused later'); })).rejects.toThrow('refused later');
    expect(await store.get(m!.id)).toBeUndefined();
    expect((await store.counts()).missions).toBe(0);
  });

  it('due work: pending, runnable, nextRun at or before now, soonest first, at most limit', async () => {
    const { store } = await open();
    const missions = fixtures();
    await store.write(() => ({ put: missions, result: null }));
    const reference = openMemoryStore();
    await reference.write(() => ({ put: missions, result: null }));
    const due = await store.due(NOW, 100);
    expect(due.map((m) => m.id)).toEqual((await reference.due(NOW, 100)).map((m) => m.id));
    expect(due.length).toBeGreaterThan(3);
    expect((await store.due(NOW, 2)).map((m) => m.id)).toEqual(due.slice(0, 2).map((m) => m.id));
    for (const m of due) expect(m.status === 'pending' && Date.parse(m.schedule.nextRun!) <= NOW.getTime()).toBe(true);
  });

  it('runs: pages newest first with visibility, each mission\'s runs, outputs, active runs', async () => {
    const { store } = await open();
    const missions = fixtures();
    await store.write(() => ({ put: missions, result: null }));
    const runs: RunRecord[] = [];
    for (let i = 0; i < 24; i++) {
      const started = new Date(NOW.getTime() + Math.floor(i / 2) * 1000).toISOString(); // pairs share startedAt
      runs.push(run(`run_${String(i).padStart(20, '0')}`, missions[i % 6]!.id, started, i === 23 ? 'running' : 'succeeded'));
    }
    await store.write(() => ({ runs, outputs: { [runs[3]!.id]: 'hello\nworld' }, result: null }));
    const reference = openMemoryStore();
    await reference.write(() => ({ put: missions, runs, result: null }));
    for (const who of WHO) {
      for (const q of [{ limit: 5 }, { status: 'succeeded' as const, limit: 7 }, { missionId: missions[1]!.id, limit: 2 }]) {
        const pages = async (s: MissionStore) => {
          const out = [];
          let cursor: string | undefined;
          do {
            const p = await s.listRuns({ ...q, ...(cursor ? { cursor } : {}) }, who);
            out.push({ ids: p.runs.map((r) => r.id), total: p.total, hasMore: p.hasMore });
            cursor = p.nextCursor ?? undefined;
          } while (cursor);
          return out;
        };
        expect(await pages(store), `${JSON.stringify(q)} as ${who.user}`).toEqual(await pages(reference));
      }
    }
    expect((await store.runsOf(missions[0]!.id)).map((r) => r.id)).toEqual((await reference.runsOf(missions[0]!.id)).map((r) => r.id));
    expect(await store.getRun(runs[3]!.id)).toEqual(runs[3]);
    expect(await store.readRunOutput(runs[3]!)).toBe('hello\nworld');
    expect(await store.readRunOutput(runs[4]!)).toBe('');
    expect((await store.activeRuns()).map((r) => r.id)).toEqual([runs[23]!.id]);
    await store.write(() => ({ workers: [{ id: 'w1', host: 'h', pid: 1, startedAt: NOW.toISOString(), seenAt: NOW.toISOString(), leaseSeconds: 60 }], result: null }));
    expect((await store.workers()).map((w) => w.id)).toEqual(['w1']);
  });

  it('claims: 8 claimers through 4 handles take each due slot once; an expired lease is lost and the mission due again', async () => {
    const { store, another } = await open();
    const handles = [store, another(), another(), another()];
    const due = fixtures().filter((m) => m.status === 'pending' && m.schedule.nextRun !== null && Date.parse(m.schedule.nextRun) <= NOW.getTime());
    await store.write(() => ({ put: due, result: null }));
    let n = 0;
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        Promise.all(due.map((m) => claimMission(handles[i % 4]!, m.id, NOW, { runId: `run_${String(n++).padStart(20, '0')}`, worker: `w${i}`, leaseMs: 60_000, maxDepth: 3 }))),
      ),
    );
    const taken = claims.flat().filter((c) => c.kind === 'run');
    expect(taken.map((c) => c.mission!.id).sort()).toEqual(due.map((m) => m.id).sort());
    expect((await store.activeRuns()).length).toBe(due.length);
    expect(await store.due(NOW, 100)).toEqual([]);
    // the lease passes without a heartbeat: the run is lost, the mission due again (a retry of its slot)
    const later = new Date(NOW.getTime() + 61_000);
    const lost = await expireLostRuns(another(), later, () => ({ retries: 1, retryDelayMs: 0 }));
    expect(lost.length).toBe(due.length);
    expect(lost.every((r) => r.status === 'lost')).toBe(true);
    expect(await store.activeRuns()).toEqual([]);
    expect((await store.due(later, 100)).map((m) => m.id).sort()).toEqual(due.map((m) => m.id).sort());
  });

  it('changesSince names the missions changed, with who could see them before and after', async () => {
    const { store, another } = await open();
    const [a, b, c] = fixtures();
    await store.write(() => ({ put: [a!, b!], result: null }));
    const { version, changes } = await store.changesSince(undefined);
    expect(changes).toEqual([]);
    expect(await store.changesSince(version)).toEqual({ version, changes: [] });
    const other = another();
    await other.write(() => ({ put: [{ ...a!, visibility: 'public' }, c!], remove: [b!.id], result: null }));
    const after = await store.changesSince(version);
    expect(after.version).not.toBe(version);
    const byId = new Map(after.changes!.map((x) => [x.id, x]));
    expect(byId.get(a!.id)).toEqual({ id: a!.id, before: { owner: a!.owner, visibility: a!.visibility }, after: { owner: a!.owner, visibility: 'public' } });
    expect(byId.get(b!.id)).toMatchObject({ before: { owner: b!.owner }, after: null });
    expect(byId.get(c!.id)).toMatchObject({ before: null, after: { owner: c!.owner } });
    expect(await store.changesSince(after.version)).toEqual({ version: after.version, changes: [] });
  });
});
