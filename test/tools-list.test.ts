// listMissions in memory (SPEC §5): every filter, every sort in both orders, limit and the page fields,
// keyset cursor pagination that neither repeats nor skips while others create and delete missions,
// cursor errors, and the compact list item.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, connectInMemory, fixedClock, ok, type Harness } from './helpers.js';

const T0 = '2026-03-02T08:00:00.000Z';
const MINUTE = 60 * 1000;

let clock: ReturnType<typeof fixedClock>;
let h: Harness;

beforeEach(async () => {
  clock = fixedClock(T0);
  h = await connectInMemory({ now: clock.now });
});
afterEach(() => h.close());

/** Creates a mission one minute after the previous one, so createdAt orders them. */
async function create(args: Record<string, unknown>) {
  clock.advance(MINUTE);
  return (await ok(h.client, 'createMission', { goal: 'Do the work.', ...args })).mission;
}
const list = (args: Record<string, unknown> = {}) => ok(h.client, 'listMissions', { limit: 100, ...args });
const ids = async (args: Record<string, unknown> = {}) => (await list(args)).missions.map((m: any) => m.id as string);
const set = async (args: Record<string, unknown> = {}) => new Set(await ids(args));

describe('filters', () => {
  let a: any, b: any, c: any, d: any, e: any, f: any;

  beforeEach(async () => {
    a = await create({ title: 'Alpha digest', goal: 'Summarise ANALYTICS every day', agentType: 'claude', visibility: 'private', spaceId: 'space_1', characterId: 'char_1', plan: { platforms: ['LinkedIn', 'x'] }, schedule: { type: 'cron', value: '0 9 * * *' } });
    b = await create({ title: 'Beta outreach', goal: 'Write to CTOs', agentType: 'gemini', visibility: 'organization', spaceId: 'space_2', characterId: 'char_1', plan: { platforms: ['linkedin'] }, schedule: { type: 'cron', value: '0 12 * * *' } });
    c = await create({ title: 'Gamma analytics', goal: 'Weekly report', agentType: 'codex', visibility: 'public', spaceId: 'space_1', characterId: 'char_2', plan: { platforms: ['Mastodon'] } });
    d = await create({ title: 'Delta', goal: 'anything', status: 'paused', schedule: { type: 'continuous' } });
    e = await create({ title: 'Epsilon', goal: 'runs', schedule: { type: 'continuous' } });
    f = await create({ title: 'Zeta', goal: 'done' });
    await ok(h.client, 'updateMission', { id: e.id, status: 'running' });
    await ok(h.client, 'updateMission', { id: f.id, status: 'archived' });
  });

  it('status: one, a list, and "active" (pending or running)', async () => {
    expect(await set({ status: 'pending' })).toEqual(new Set([a.id, b.id, c.id]));
    expect(await set({ status: 'running' })).toEqual(new Set([e.id]));
    expect(await set({ status: 'paused' })).toEqual(new Set([d.id]));
    expect(await set({ status: 'archived' })).toEqual(new Set([f.id]));
    expect(await set({ status: 'completed' })).toEqual(new Set());
    expect(await set({ status: ['paused', 'archived'] })).toEqual(new Set([d.id, f.id]));
    expect(await set({ status: 'active' })).toEqual(new Set([a.id, b.id, c.id, e.id]));
    expect(await set({ status: ['active', 'paused'] })).toEqual(new Set([a.id, b.id, c.id, d.id, e.id]));
    expect((await list({ status: 'active' })).total).toBe(4);
    expect((await list()).total).toBe(6);
  });

  it('agentType, visibility, spaceId, characterId', async () => {
    expect(await set({ agentType: 'gemini' })).toEqual(new Set([b.id]));
    expect(await set({ agentType: 'claude' })).toEqual(new Set([a.id, d.id, e.id, f.id]));
    expect(await set({ visibility: 'organization' })).toEqual(new Set([b.id]));
    expect(await set({ visibility: 'public' })).toEqual(new Set([c.id]));
    expect(await set({ visibility: 'private' })).toEqual(new Set([a.id, d.id, e.id, f.id]));
    expect(await set({ spaceId: 'space_1' })).toEqual(new Set([a.id, c.id]));
    expect(await set({ spaceId: 'space_none' })).toEqual(new Set());
    expect(await set({ characterId: 'char_1' })).toEqual(new Set([a.id, b.id]));
    expect(await set({ characterId: 'char_1', spaceId: 'space_1' })).toEqual(new Set([a.id]));
  });

  it('platform, case-insensitive, whole platform names', async () => {
    expect(await set({ platform: 'linkedin' })).toEqual(new Set([a.id, b.id]));
    expect(await set({ platform: 'LINKEDIN' })).toEqual(new Set([a.id, b.id]));
    expect(await set({ platform: 'mastodon' })).toEqual(new Set([c.id]));
    expect(await set({ platform: 'X' })).toEqual(new Set([a.id]));
    expect(await set({ platform: 'tiktok' })).toEqual(new Set());
  });

  it('query: case-insensitive text in title or goal', async () => {
    expect(await set({ query: 'analytics' })).toEqual(new Set([a.id, c.id])); // goal of a, title of c
    expect(await set({ query: 'ctos' })).toEqual(new Set([b.id]));
    expect(await set({ query: 'DIGEST' })).toEqual(new Set([a.id]));
    expect(await set({ query: 'nothing like this' })).toEqual(new Set());
    expect((await list({ query: 'analytics', status: 'pending' })).total).toBe(2);
  });

  it('dueBefore: nextRun at or before the time', async () => {
    // a: 09:00, b: 12:00, e: running continuous (no nextRun), d: paused, c and f: none
    expect(await set({ dueBefore: '2026-03-02T09:00:00Z' })).toEqual(new Set([a.id]));
    expect(await set({ dueBefore: '2026-03-02T08:59:00Z' })).toEqual(new Set());
    expect(await set({ dueBefore: '2026-03-02T13:00:00+01:00' })).toEqual(new Set([a.id, b.id]));
    expect(await set({ dueBefore: '2030-01-01T00:00:00Z', agentType: 'gemini' })).toEqual(new Set([b.id]));
  });

  it('total counts every match; a filter error names its parameter', async () => {
    const page = await ok(h.client, 'listMissions', { status: 'active', limit: 1 });
    expect(page.total).toBe(4);
    expect(page.missions).toHaveLength(1);
    expect(page.hasMore).toBe(true);
    for (const [args, param] of [
      [{ status: [] }, 'status'],
      [{ agentType: 'gpt' }, 'agentType'],
      [{ visibility: 'secret' }, 'visibility'],
      [{ dueBefore: '2026-03-02' }, 'dueBefore'],
      [{ sort: 'priority' }, 'sort'],
      [{ order: 'up' }, 'order'],
      [{ limit: 1.5 }, 'limit'],
      [{ query: '   ' }, 'query'],
    ] as const) {
      const answer = await call(h.client, 'listMissions', args);
      expect(answer.isError, JSON.stringify(args)).toBe(true);
      expect(answer.body.error.code).toBe('invalid_request');
      expect(answer.body.error.param, JSON.stringify(args)).toBe(param);
    }
  });
});

describe('sorting', () => {
  it('createdAt (default desc), updatedAt, nextRun (missions without one last) and title, both orders', async () => {
    const m1 = await create({ title: 'banana', schedule: { type: 'cron', value: '0 12 * * *' } }); // next 12:00
    const m2 = await create({ title: 'Apple', schedule: { type: 'cron', value: '0 10 * * *' } }); // next 10:00
    const m3 = await create({ title: 'cherry' }); // no nextRun
    const m4 = await create({ title: 'date', schedule: { type: 'cron', value: '0 11 * * *' } }); // next 11:00
    const m5 = await create({ title: 'Elder' }); // no nextRun
    clock.advance(MINUTE);
    await ok(h.client, 'updateMission', { id: m2.id, goal: 'touched first' });
    clock.advance(MINUTE);
    await ok(h.client, 'updateMission', { id: m1.id, goal: 'touched second' });

    const created = [m1.id, m2.id, m3.id, m4.id, m5.id];
    expect(await ids()).toEqual([...created].reverse());
    expect(await ids({ sort: 'createdAt' })).toEqual([...created].reverse());
    expect(await ids({ sort: 'createdAt', order: 'desc' })).toEqual([...created].reverse());
    expect(await ids({ order: 'asc' })).toEqual(created);

    expect(await ids({ sort: 'updatedAt', order: 'desc' })).toEqual([m1.id, m2.id, m5.id, m4.id, m3.id]);
    expect(await ids({ sort: 'updatedAt', order: 'asc' })).toEqual([m3.id, m4.id, m5.id, m2.id, m1.id]);

    const byNextAsc = await ids({ sort: 'nextRun', order: 'asc' });
    expect(byNextAsc.slice(0, 3)).toEqual([m2.id, m4.id, m1.id]);
    expect(new Set(byNextAsc.slice(3))).toEqual(new Set([m3.id, m5.id]));
    const byNextDesc = await ids({ sort: 'nextRun', order: 'desc' });
    expect(byNextDesc.slice(0, 3)).toEqual([m1.id, m4.id, m2.id]);
    expect(new Set(byNextDesc.slice(3))).toEqual(new Set([m3.id, m5.id]));
    // the default order for nextRun is desc too
    expect((await ids({ sort: 'nextRun' })).slice(0, 3)).toEqual([m1.id, m4.id, m2.id]);

    // titles compare without regard to case
    expect(await ids({ sort: 'title', order: 'asc' })).toEqual([m2.id, m1.id, m3.id, m4.id, m5.id]);
    expect(await ids({ sort: 'title', order: 'desc' })).toEqual([m5.id, m4.id, m3.id, m1.id, m2.id]);

    // paging a sort with nulls keeps them last and returns each mission once
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await ok(h.client, 'listMissions', { sort: 'nextRun', order: 'asc', limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.missions.map((m: any) => m.id));
      cursor = page.nextCursor ?? undefined;
      expect(seen.length, 'paging ends').toBeLessThanOrEqual(5);
    } while (cursor);
    expect(seen).toEqual(byNextAsc);
  });
});

describe('limit and pages', () => {
  it('default 20, limit, total, hasMore and nextCursor (null on the last page)', async () => {
    for (let i = 0; i < 25; i++) await create({ title: `m${i}` });
    const first = await ok(h.client, 'listMissions', {});
    expect(first.missions).toHaveLength(20);
    expect(first).toMatchObject({ total: 25, hasMore: true });
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await ok(h.client, 'listMissions', { cursor: first.nextCursor });
    expect(second.missions).toHaveLength(5);
    expect(second).toMatchObject({ total: 25, hasMore: false, nextCursor: null });
    const all = [...first.missions, ...second.missions].map((m: any) => m.id);
    expect(new Set(all).size).toBe(25);

    const exact = await ok(h.client, 'listMissions', { limit: 25 });
    expect(exact).toMatchObject({ total: 25, hasMore: false, nextCursor: null });
    const one = await ok(h.client, 'listMissions', { limit: 1 });
    expect(one.missions).toHaveLength(1);
    expect(one.hasMore).toBe(true);
    const none = await ok(h.client, 'listMissions', { status: 'failed' });
    expect(none).toEqual({ missions: [], total: 0, hasMore: false, nextCursor: null, now: expect.any(String) });
  });

  it('cursor pagination never repeats or skips a mission that existed throughout, while others are created and deleted', async () => {
    const original: string[] = [];
    for (let i = 0; i < 45; i++) original.push((await create({ title: `Mission ${String(i).padStart(2, '0')}` })).id);
    for (const sort of ['createdAt', 'title'] as const) {
      for (const order of ['desc', 'asc'] as const) {
        const alive = new Set(original);
        const deletedHere: string[] = [];
        const createdHere: string[] = [];
        const pages: string[][] = [];
        let cursor: string | undefined;
        let step = 0;
        do {
          const page = await ok(h.client, 'listMissions', { sort, order, limit: 10, ...(cursor ? { cursor } : {}) });
          pages.push(page.missions.map((m: any) => m.id));
          cursor = page.nextCursor ?? undefined;
          expect(page.hasMore).toBe(cursor !== undefined);
          step++;
          expect(step, `${sort} ${order}: paging ends`).toBeLessThan(20);
          // between pages: create two, delete one already seen and one not yet seen
          for (let k = 0; k < 2; k++) {
            // titles that land at the start and in the middle of the title order, before and after the cursor
            const at = k === 0 ? '00' : String((step * 13) % 45).padStart(2, '0');
            const created = await create({ title: `Mission ${at} new ${step}` });
            createdHere.push(created.id);
          }
          const seen = new Set(pages.flat());
          const seenAlive = [...alive].filter((id) => seen.has(id));
          const unseenAlive = [...alive].filter((id) => !seen.has(id));
          // on odd steps the seen victim is the last mission of the page: the one the cursor points after
          const lastOfPage = pages[pages.length - 1]!.at(-1);
          const seenVictim = step % 2 === 1 && lastOfPage && alive.has(lastOfPage) ? lastOfPage : seenAlive[step % Math.max(1, seenAlive.length)];
          for (const victim of [seenVictim, unseenAlive[(step * 7) % Math.max(1, unseenAlive.length)]]) {
            if (!victim) continue;
            await ok(h.client, 'deleteMission', { id: victim });
            alive.delete(victim);
            deletedHere.push(victim);
          }
        } while (cursor);
        const union = pages.flat();
        expect(new Set(union).size, `${sort} ${order}: no duplicates`).toBe(union.length);
        for (const id of alive) expect(union, `${sort} ${order}: survivor ${id} listed`).toContain(id);
        // restore the original set for the next round
        for (const id of createdHere) await call(h.client, 'deleteMission', { id });
        for (const id of deletedHere) original.splice(original.indexOf(id), 1);
      }
    }
  });

  it('a cursor used with other filters, sort or order, or a garbage cursor, is invalid_request param cursor', async () => {
    for (let i = 0; i < 5; i++) await create({ title: `m${i}`, agentType: i % 2 ? 'gemini' : 'claude' });
    const page = await ok(h.client, 'listMissions', { limit: 2, agentType: 'claude' });
    expect(page.nextCursor).toEqual(expect.any(String));
    const good = await ok(h.client, 'listMissions', { limit: 2, agentType: 'claude', cursor: page.nextCursor });
    expect(good.missions).toHaveLength(1);
    for (const args of [
      { agentType: 'gemini' },
      {},
      { agentType: 'claude', status: 'pending' },
      { agentType: 'claude', sort: 'title' },
      { agentType: 'claude', order: 'asc' },
      { agentType: 'claude', query: 'm' },
    ]) {
      const answer = await call(h.client, 'listMissions', { limit: 2, ...args, cursor: page.nextCursor });
      expect(answer.isError, JSON.stringify(args)).toBe(true);
      expect(answer.body.error.code).toBe('invalid_request');
      expect(answer.body.error.param).toBe('cursor');
    }
    const forged = Buffer.from(JSON.stringify({ hello: 'world' })).toString('base64url');
    for (const cursor of ['garbage', '', 'e30', forged, '%%%', 'null', 'x'.repeat(1000)]) {
      const answer = await call(h.client, 'listMissions', { cursor });
      expect(answer.isError, `cursor ${cursor.slice(0, 20)}`).toBe(true);
      expect(answer.body.error.code).toBe('invalid_request');
      expect(answer.body.error.param).toBe('cursor');
      expect(answer.body.error.message).not.toMatch(/\n\s*at\s/);
    }
  });
});

describe('compact mode', () => {
  it('list items have only id, title, status, and nextRun when set', async () => {
    const withNext = await create({ title: 'Scheduled', schedule: { type: 'cron', value: '0 9 * * *' }, brief: { targetAudience: 'x' }, stats: { leads: 3 } });
    const without = await create({ title: 'Unscheduled', icon: '📈', plan: { platforms: ['x'] } });
    const page = await ok(h.client, 'listMissions', { mode: 'compact' });
    expect(page.total).toBe(2);
    const byId = new Map(page.missions.map((m: any) => [m.id, m]));
    expect(byId.get(withNext.id)).toEqual({ id: withNext.id, title: 'Scheduled', status: 'pending', nextRun: withNext.schedule.nextRun });
    expect(byId.get(without.id)).toEqual({ id: without.id, title: 'Unscheduled', status: 'pending' });
    // full mode lists whole missions
    const full = await ok(h.client, 'listMissions', { mode: 'full' });
    expect(full.missions.find((m: any) => m.id === withNext.id)).toEqual(withNext);
    // the server-wide default applies when mode is not given
    const h2 = await connectInMemory({ defaultMode: 'compact' });
    try {
      const m = (await ok(h2.client, 'createMission', { title: 'x', goal: 'y' })).mission;
      expect(m).not.toHaveProperty('owner');
      const items = (await ok(h2.client, 'listMissions', {})).missions;
      expect(items).toEqual([{ id: m.id, title: 'x', status: 'pending' }]);
      expect((await ok(h2.client, 'listMissions', { mode: 'full' })).missions[0]).toHaveProperty('owner');
    } finally {
      await h2.close();
    }
  });
});
