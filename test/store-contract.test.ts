// One store contract, run on every engine (in memory, the JSON file and PostgreSQL): the same
// questions give the same answers as the reference, cursors stay stable while others write, parallel
// updates lose nothing, due work and runs and changesSince agree. The reference for lists and due work
// is written here from the rules (SPEC §9, listMissions, §12) and calls no product code, so that it can
// see a rule the stores get wrong together.
import { defaultAgents } from '../src/runner/agents.js';
import { launchView } from '../src/runner/launch-view.js';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_USER, tokenPrincipal, type Identity } from '../src/mission/access.js';
import { newMission } from '../src/mission/build.js';
import { CreateMissionInput } from '../src/mission/input.js';
import { STATUSES, VISIBILITIES, type Mission, type Owner } from '../src/mission/model.js';
import type { OwnerFilter } from '../src/run/fair.js';
import { SORTS, type ListMissionsInput, type Order } from '../src/mission/query.js';
import { newImportId, newMissionId } from '../src/ids.js';
import type { RunRecord } from '../src/run/model.js';
import { openMemoryStore } from '../src/store/index.js';
import type { MissionStore } from '../src/store/types.js';
import { ENGINES } from './store-engines.js';
import { testRandom, type Random } from './random.js';
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

/** 3 users × (2 orgs and none), the local user, and two whose names order differently by code point and by UTF-16 unit. */
const OWNERS = [
  ...['alice', 'bob', 'carol'].flatMap((user) => ['acme', 'globex', null].map((org) => ({ user, org }))),
  { user: 'local', org: null },
  { user: '\uFF01bang', org: null },
  { user: '😀', org: '\uFF01org' },
  { user: '😀', org: '😀org' },
];
/** The local user; users of each org and of none; alice of no org (not alice of acme); dave, who owns nothing. */
const PRINCIPALS: Identity[] = [LOCAL_USER, ALICE, tokenPrincipal('bob', 'globex'), tokenPrincipal('carol', null), tokenPrincipal('alice', null), tokenPrincipal('dave', 'acme')];
const TITLES = ['Alpha', 'alpha', 'Beta report', 'beta REPORT', 'Écrire', 'gamma'];
const TIMES = [0, 1, 2, 3, 4].map((h) => new Date(NOW.getTime() + (h - 2) * 3_600_000).toISOString());

/** A mission with random owner, visibility, status, title (ties in lower case), times (ties) and nextRun (null sometimes). */
function randomMission(r: Random): Mission {
  const input = CreateMissionInput.parse({ title: r.pick(TITLES), goal: r.pick(['post weekly', 'answer mail']), agentType: r.pick(['claude', 'gemini'] as const) });
  const m = newMission(input, { now: new Date(r.pick(TIMES)), newImportId: () => r.id('imp_', 16), id: r.id('msn_'), owner: r.pick(OWNERS) });
  return {
    ...m,
    visibility: r.pick(VISIBILITIES),
    status: r.pick(STATUSES),
    updatedAt: r.pick(TIMES),
    schedule: { ...m.schedule, nextRun: r.next() < 0.3 ? null : r.pick(TIMES) },
  };
}

// --- The reference: what a list and due work must give, by brute force over every mission. ----------

/**
 * Unicode full case folding (CaseFolding.txt, statuses C and F) for the characters these tests use:
 * a code point folds as written here, else to its lower case. Right for ASCII, Latin-1 and Greek
 * letters and the few below; not a general fold (it does not need to be: it only sees TEXTS).
 */
const FOLD: Record<string, string> = { 'ſ': 's', 'ß': 'ss', 'ẞ': 'ss', 'ς': 'σ', 'İ': 'i\u0307', '\u212A': 'k' };
const fold = (s: string): string => Array.from(s, (c) => FOLD[c] ?? c.toLowerCase()).join('');

/** Code-point order (what PostgreSQL's COLLATE "C" gives over UTF-8), not UTF-16 code units. */
function byCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** Who sees a mission (SPEC §9): the local user all; a token caller its own, public ones, and its org's organization ones. */
const sees = (who: Identity, m: Mission): boolean =>
  who.kind === 'local' ||
  (m.owner.user === who.user && m.owner.org === who.org) ||
  m.visibility === 'public' ||
  (m.visibility === 'organization' && m.owner.org !== null && m.owner.org === who.org);

/** The filters of listMissions, each as its description says. */
function passes(m: Mission, q: ListMissionsInput): boolean {
  const statuses = q.status === undefined ? undefined : [q.status].flat().flatMap((s) => (s === 'active' ? ['pending', 'running'] : [s]));
  const due = q.dueBefore === undefined ? undefined : q.dueBefore === 'now' ? NOW.getTime() : q.dueBefore === '+1h' ? NOW.getTime() + 3_600_000 : Date.parse(q.dueBefore);
  return (
    (statuses === undefined || statuses.includes(m.status)) &&
    (q.agentType === undefined || m.agentType === q.agentType) &&
    (q.visibility === undefined || m.visibility === q.visibility) &&
    (q.spaceId === undefined || m.spaceId === q.spaceId) &&
    (q.characterId === undefined || m.characterId === q.characterId) &&
    (q.platform === undefined || m.plan.platforms.some((p) => fold(p) === fold(q.platform!))) &&
    (q.query === undefined || fold(`${m.title}\n${m.goal}`).includes(fold(q.query))) &&
    (due === undefined || (m.schedule.nextRun !== null && Date.parse(m.schedule.nextRun) <= due))
  );
}

/** The sort key: times as ISO text, the title case-folded; no nextRun is null. */
const sortKey = (m: Mission, sort: string): string | null =>
  sort === 'title' ? fold(m.title) : sort === 'nextRun' ? m.schedule.nextRun : sort === 'updatedAt' ? m.updatedAt : m.createdAt;

/** A list's order: by key in code-point order (null keys last in both orders), ties by id, the whole reversed for desc. */
function listOrder(sort: string, order: Order) {
  const dir = order === 'asc' ? 1 : -1;
  return (a: Mission, b: Mission): number => {
    const [x, y] = [sortKey(a, sort), sortKey(b, sort)];
    if (x !== y) {
      if (x === null) return 1;
      if (y === null) return -1;
      return Math.sign(byCodePoints(x, y)) * dir;
    }
    return Math.sign(byCodePoints(a.id, b.id)) * dir;
  };
}

/** The page a list must give, by brute force: what `who` sees and the filters pass, in order, after the last mission seen. */
function expectedPage(missions: Iterable<Mission>, q: ListMissionsInput, who: Identity, after: Mission | undefined) {
  const sort = q.sort ?? (q.dueBefore ? 'nextRun' : 'createdAt');
  const order: Order = q.order ?? (q.dueBefore ? 'asc' : 'desc');
  const limit = q.limit ?? 20;
  const cmp = listOrder(sort, order);
  const all = [...missions].filter((m) => sees(who, m) && passes(m, q)).sort(cmp);
  let from = after ? all.findIndex((m) => cmp(m, after) > 0) : 0;
  if (from < 0) from = all.length;
  return { ids: all.slice(from, from + limit).map((m) => m.id), total: all.length, hasMore: from + limit < all.length };
}

/** Every page the reference gives, each continuing after the last mission of the one before. */
function expectedPages(missions: readonly Mission[], q: ListMissionsInput, who: Identity) {
  const pages = [];
  let after: Mission | undefined;
  for (;;) {
    const page = expectedPage(missions, q, who, after);
    pages.push(page);
    if (!page.hasMore || pages.length >= 100) return pages;
    after = missions.find((m) => m.id === page.ids.at(-1));
  }
}

/** Due (SPEC §12): pending, a schedule that runs (once, cron, continuous) or a manual run asked for, nextRun at or before now. */
const dueAt = (m: Mission, now: Date): boolean =>
  m.status === 'pending' &&
  (['once', 'cron', 'continuous'].includes(m.schedule.type) || m.queuedRun?.trigger === 'manual') &&
  m.schedule.nextRun !== null &&
  Date.parse(m.schedule.nextRun) <= now.getTime();

/**
 * Titles, goals and platforms where case folding and code-point order matter: ſ folds to s, ß and ẞ to
 * ss, İ to i + U+0307, final ς to σ, the Kelvin sign to k; U+FF01 and U+FFFD sort before an emoji
 * (above U+FFFF) by code point, after it by UTF-16 code unit.
 */
const TEXTS: [title: string, goal: string, platform: string][] = [
  ['Straße bauen', 'plan the street', 'Straße'],
  ['STRASSE messen', 'measure', 'strasse'],
  ['ẞ capital', 'Großbuchstabe', 'x'],
  ['ſtar gazing', 'look up', 'ſtar'],
  ['Star chart', 'draw the ſky', 'STAR'],
  ['İstanbul trip', 'visit İZMİR too', 'izmir'],
  ['istanbul notes', 'Izmir later', 'İzmir'],
  ['ΟΔΟΣ', 'ο δρόμος', 'ΟΔΟΣ'],
  ['οδος', 'Σ at the end: ΟΔΟΣ', 'οδος'],
  ['\uFF01 full-width bang', 'loud', 'x'],
  ['\uFFFD replacement', 'unknown', 'x'],
  ['😀 smile', 'grin 😀', 'x'],
  ['😁 beam', 'beam', 'x'],
  ['\u212A kelvin', 'cold', 'x'],
  ['Écrire', 'écrire une lettre', 'x'],
  ['ecrire', 'ECRIRE', 'x'],
  ['zebra', 'last in ASCII', 'x'],
  ['Alpha', 'first in ASCII', 'x'],
];
const SEARCHES = ['ſ', 's', 'SS', 'ß', 'ẞ', 'İ', 'i\u0307', 'I', 'σ', 'ς', 'Σ', '😀', '\uFF01', '\uFFFD', 'k', '\u212A', 'É', 'é', 'TRASS', 'ſtar', 'ΟΔΟΣ', 'ST'];

const FILTERS: ListMissionsInput[] = [{}, { status: ['active', 'paused'] }, { query: 'ALPHA', agentType: 'claude' }, { visibility: 'organization' }];

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
    const missions = fixtures();
    await store.write(() => ({ put: missions, result: null }));
    for (const who of WHO) {
      for (const q of QUERIES) {
        expect(await allPages(store, q, who), `${JSON.stringify(q)} as ${who.user}`).toEqual(expectedPages(missions, q, who));
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
    // a hand-made cursor whose key is neither a string nor null is refused, not compared
    const data = JSON.parse(Buffer.from(first.nextCursor!, 'base64url').toString('utf8'));
    const forged = Buffer.from(JSON.stringify({ ...data, k: 5 })).toString('base64url');
    await expect(store.list({ limit: 2, cursor: forged }, LOCAL_USER, NOW)).rejects.toThrow(/not a cursor from listMissions/);
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
    const due = await store.due(NOW, 100);
    expect(due.map((m) => m.id)).toEqual(missions.filter((m) => dueAt(m, NOW)).sort(listOrder('nextRun', 'asc')).map((m) => m.id));
    expect(due.length).toBeGreaterThan(3);
    expect((await store.due(NOW, 2)).map((m) => m.id)).toEqual(due.slice(0, 2).map((m) => m.id));
    for (const m of due) expect(m.status === 'pending' && Date.parse(m.schedule.nextRun!) <= NOW.getTime()).toBe(true);
  });

  it('due work round robin over owners: each owner\'s soonest first, rotated after the owner served last, one tenant only, as brute force says', async () => {
    const r = testRandom('due work round robin');
    const { store } = await open();
    const recurring = (m: Mission): Mission => ({ ...m, status: r.next() < 0.7 ? 'pending' : m.status, schedule: { ...m.schedule, type: 'continuous', value: '1m' } });
    const missions = Array.from({ length: 200 }, () => recurring(randomMission(r)));
    await store.write(() => ({ put: missions, result: null }));
    // Then a fifth of them change (status, nextRun, owner), so that the index follows missions that move.
    const moved = missions.slice(0, 40).map((m) => ({ ...recurring(m), owner: r.pick(OWNERS), schedule: { ...m.schedule, nextRun: r.pick(TIMES) } }));
    await store.write(() => ({ put: moved, remove: [missions[199]!.id], result: null }));
    const current = new Map(missions.map((m) => [m.id, m]));
    for (const m of moved) current.set(m.id, m);
    current.delete(missions[199]!.id);
    const ownerOrder = (a: Owner, b: Owner) => (a.user !== b.user ? byCodePoints(a.user, b.user) : a.org === b.org ? 0 : a.org === null ? -1 : b.org === null ? 1 : byCodePoints(a.org, b.org));
    /** Brute force: every due mission ranked within its owner, then by round, then owners after `after` first. */
    const expected = (limit: number, after: Owner | undefined, only: OwnerFilter | undefined) => {
      const due = [...current.values()].filter((m) => dueAt(m, NOW) && (!only?.user || m.owner.user === only.user) && (!only?.org || m.owner.org === only.org));
      const soonest = listOrder('nextRun', 'asc');
      const rank = new Map<string, number>();
      for (const m of due) rank.set(m.id, due.filter((o) => ownerOrder(o.owner, m.owner) === 0 && soonest(o, m) < 0).length);
      const late = (o: Owner) => (after && ownerOrder(o, after) <= 0 ? 1 : 0);
      return due.sort((a, b) => rank.get(a.id)! - rank.get(b.id)! || late(a.owner) - late(b.owner) || ownerOrder(a.owner, b.owner)).slice(0, limit).map((m) => m.id);
    };
    let asked = 0;
    for (const after of [undefined, ...OWNERS, { user: 'zed', org: null }]) {
      for (const only of [undefined, { user: 'bob' }, { org: 'acme' }, { user: 'alice', org: 'globex' }, { user: 'nobody' }]) {
        for (const limit of [1, 5, 1000]) {
          const got = (await store.due(NOW, limit, { after: after ?? null, ...(only && { only }) })).map((m) => m.id);
          expect(got, `after ${JSON.stringify(after)}, only ${JSON.stringify(only)}, limit ${limit}`).toEqual(expected(limit, after, only));
          asked++;
        }
      }
    }
    expect(expected(1000, undefined, undefined).length).toBeGreaterThan(20);
    expect(asked).toBe((OWNERS.length + 2) * 5 * 3);
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
        Promise.all(due.map((m) => claimMission(handles[i % 4]!, m.id, NOW, { runId: `run_${String(n++).padStart(20, '0')}`, worker: `w${i}`, leaseMs: 60_000, maxDepth: 3, launchView: launchView(defaultAgents(), '/') }))),
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

  it('pages exactly as brute force (visibility, filters, order) for every caller, sort, order, filter and page size', async () => {
    const r = testRandom('300 random missions, paged');
    const { store } = await open();
    const missions = Array.from({ length: 300 }, () => randomMission(r));
    await store.write(() => ({ put: missions, result: null }));
    const queries: ListMissionsInput[] = [{}, { dueBefore: 'now' }, { dueBefore: '+1h', limit: 3 }]; // default orders
    for (const sort of SORTS) for (const order of ['asc', 'desc'] as const) for (const f of FILTERS) queries.push({ sort, order, ...f });
    let n = 0;
    for (const who of PRINCIPALS) {
      for (const query of queries) {
        const q = { limit: [7, 23, 100][n++ % 3], ...query };
        let after: Mission | undefined;
        let cursor: string | undefined;
        do {
          const page = await store.list({ ...q, ...(cursor ? { cursor } : {}) }, who, NOW);
          const got = { ids: page.missions.map((m) => m.id), total: page.total, hasMore: page.hasMore };
          expect(got, `${JSON.stringify(q)} as ${who.user}@${who.org} after ${after?.id}`).toEqual(expectedPage(missions, q, who, after));
          expect(page.nextCursor === null).toBe(!page.hasMore);
          after = page.missions.at(-1);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      }
    }
    // Not vacuous: every token principal sees some missions and not all; alice of no org none of alice of acme's private ones.
    for (const who of PRINCIPALS.slice(1)) {
      const total = (await store.list({}, who, NOW)).total;
      expect(total, who.user).toBeGreaterThan(0);
      expect(total, who.user).toBeLessThan(missions.length);
    }
    const alicePrivate = missions.filter((m) => m.owner.user === 'alice' && m.owner.org === 'acme' && m.visibility === 'private');
    expect(alicePrivate.length).toBeGreaterThan(0);
    const soloSees = new Set((await store.list({ limit: 100, visibility: 'private' }, tokenPrincipal('alice', null), NOW)).missions.map((m) => m.id));
    for (const m of alicePrivate) expect(soloSees.has(m.id)).toBe(false);
  });

  it('searches with one case folding and orders titles by code point, as the reference does: ſ, ß, İ, final sigma, emoji, full-width', async () => {
    const { store } = await open();
    const owners = [{ user: 'alice', org: 'acme' }, { user: 'eve', org: null }, { user: 'local', org: null }];
    const missions = TEXTS.map(([title, goal, platform], i) => {
      const input = CreateMissionInput.parse({ title, goal, visibility: (['private', 'organization', 'public'] as const)[i % 3], plan: { platforms: [platform] } });
      return newMission(input, { now: new Date(NOW.getTime() - i * 60_000), newImportId, id: newMissionId(), owner: owners[i % 3]! });
    });
    await store.write(() => ({ put: missions, result: null }));
    let asked = 0;
    for (const who of [LOCAL_USER, ALICE, EVE]) {
      for (const order of ['asc', 'desc'] as const) {
        const q: ListMissionsInput = { sort: 'title', order, limit: 4 };
        expect(await allPages(store, q, who), `titles ${order} as ${who.user}`).toEqual(expectedPages(missions, q, who));
        for (const query of SEARCHES) {
          const s: ListMissionsInput = { query, sort: 'title', order, limit: 3 };
          expect(await allPages(store, s, who), `query ${JSON.stringify(query)} ${order} as ${who.user}`).toEqual(expectedPages(missions, s, who));
          asked++;
        }
      }
      for (const platform of ['STRASSE', 'ſtar', 'οδοσ', 'İZMİR']) {
        const q: ListMissionsInput = { platform, limit: 50 };
        expect(await allPages(store, q, who), `platform ${platform} as ${who.user}`).toEqual(expectedPages(missions, q, who));
      }
    }
    expect(asked).toBe(3 * 2 * SEARCHES.length);
    // Not vacuous: the folding and the order the reference states are the ones meant.
    const titlesFor = (query: string) => expectedPage(missions, { query, sort: 'title', order: 'asc', limit: 50 }, LOCAL_USER, undefined).ids.map((id) => missions.find((m) => m.id === id)!.title);
    expect(titlesFor('ſ')).toEqual(expect.arrayContaining(['Straße bauen', 'STRASSE messen', 'ſtar gazing', 'Star chart']));
    expect(titlesFor('ss')).toEqual(expect.arrayContaining(['Straße bauen', 'STRASSE messen', 'ẞ capital']));
    expect(titlesFor('İ')).toEqual(['İstanbul trip']);
    expect(titlesFor('σ')).toEqual(expect.arrayContaining(['ΟΔΟΣ', 'οδος']));
    const ascending = expectedPage(missions, { sort: 'title', order: 'asc', limit: 50 }, LOCAL_USER, undefined).ids.map((id) => missions.find((m) => m.id === id)!.title);
    expect(ascending.indexOf('\uFF01 full-width bang')).toBeLessThan(ascending.indexOf('😀 smile'));
    expect(ascending.indexOf('\uFFFD replacement')).toBeLessThan(ascending.indexOf('😀 smile'));
  });

  it('writes between pages (creates, deletes, visibility and sort-key changes) never repeat or skip a mission that stayed put', async () => {
    const r = testRandom('150 random missions, written between pages');
    const { store, another } = await open();
    const other = another();
    const state = new Map(Array.from({ length: 150 }, () => randomMission(r)).map((m) => [m.id, m]));
    await store.write(() => ({ put: [...state.values()], result: null }));
    const write = async (put: Mission[], remove: string[] = []) => {
      for (const m of put) state.set(m.id, m);
      for (const id of remove) state.delete(id);
      await other.write(() => ({ put, remove, result: null }));
    };
    for (const who of [LOCAL_USER, ALICE, tokenPrincipal('carol', null), tokenPrincipal('dave', 'acme')]) {
      for (const sort of SORTS) {
        for (const order of ['asc', 'desc'] as const) {
          const q: ListMissionsInput = { sort, order, limit: 11 };
          // Missions this pass may change or delete; the others stay put (their changes keep key and visibility for `who`).
          const movable = new Set([...state.keys()].filter(() => r.next() < 0.3));
          const staying = [...state.keys()].filter((id) => !movable.has(id) && sees(who, state.get(id)!));
          const seen: string[] = [];
          let hidden: string | undefined;
          let after: Mission | undefined;
          let cursor: string | undefined;
          do {
            const page = await store.list({ ...q, ...(cursor ? { cursor } : {}) }, who, NOW);
            const ids = page.missions.map((m) => m.id);
            expect({ ids, total: page.total, hasMore: page.hasMore }, `${sort} ${order} as ${who.user}@${who.org}`).toEqual(expectedPage(state.values(), q, who, after));
            if (hidden) expect(ids, 'a mission made private is gone from the next pages').not.toContain(hidden);
            seen.push(...ids);
            after = page.missions.at(-1);
            cursor = page.nextCursor ?? undefined;
            if (!cursor) break;
            // Meanwhile, through another handle: a create, a delete, changes that move missions between buckets and orders.
            const changes: Mission[] = [randomMission(r)];
            const ofMovable = [...movable].filter((id) => state.has(id));
            const gone = r.pick(ofMovable);
            for (let k = 0; k < 3; k++) {
              const id = r.pick(ofMovable);
              if (id === gone || !id) continue;
              const m = state.get(id)!;
              changes.push({ ...m, visibility: r.pick(VISIBILITIES), title: r.pick(TITLES), updatedAt: r.pick(TIMES), schedule: { ...m.schedule, nextRun: r.pick([...TIMES, null]) } });
            }
            // One that stays put changes what its owner sees (goal), and, when `who` owns it, its bucket (visibility).
            const still = state.get(r.pick(staying))!;
            changes.push({ ...still, goal: `${still.goal}!`, ...(still.owner.user === who.user && still.owner.org === who.org ? { visibility: r.pick(VISIBILITIES) } : {}) });
            // Once, a public mission of someone else, not shown yet, turns private.
            if (!hidden && who.kind === 'token') {
              const shown = new Set(seen);
              const target = [...state.values()].find((m) => movable.has(m.id) && m.id !== gone && m.visibility === 'public' && m.owner.user !== who.user && !shown.has(m.id) && !changes.some((c) => c.id === m.id));
              if (target) {
                hidden = target.id;
                movable.delete(target.id);
                changes.push({ ...target, visibility: 'private' });
              }
            }
            await write(changes, gone && gone !== hidden ? [gone] : []);
          } while (cursor);
          for (const id of staying) expect(seen.filter((x) => x === id).length, `${sort} ${order} as ${who.user}: ${id} once`).toBe(1);
          if (who.kind === 'token') expect(hidden, 'a public mission was made private').toBeDefined();
        }
      }
    }
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
