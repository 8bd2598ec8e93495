// updateMission, pauseMission and resumeMission against a fixed clock, in memory: nested merges, null,
// stats, imports, the mission window (durationDays), the lifecycle's side effects on runCount, lastRun,
// endsAt and pausedAt, and nextRun (SPEC §2, §3, §4, §5).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, connectInMemory, fixedClock, ok, type Harness } from './helpers.js';

const T0 = '2026-03-02T08:00:00.000Z'; // a Monday
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

let clock: ReturnType<typeof fixedClock>;
let h: Harness;

beforeEach(async () => {
  clock = fixedClock(T0);
  h = await connectInMemory({ now: clock.now });
});
afterEach(() => h.close());

const create = async (args: Record<string, unknown>) => (await ok(h.client, 'createMission', { title: 'Mission', goal: 'Do the work.', ...args })).mission;
const update = (args: Record<string, unknown>) => ok(h.client, 'updateMission', args);
const get = async (id: string) => (await ok(h.client, 'getMission', { id })).mission;
const pause = async (id: string) => (await ok(h.client, 'pauseMission', { id })).mission;
const resume = async (id: string) => (await ok(h.client, 'resumeMission', { id })).mission;

async function expectInvalid(args: Record<string, unknown>, param: string, tool = 'updateMission') {
  const before = typeof args.id === 'string' ? await get(args.id) : undefined;
  const answer = await call(h.client, tool, args);
  expect(answer.isError, answer.text).toBe(true);
  expect(answer.body.error.code).toBe('invalid_request');
  expect(answer.body.error.param, answer.text).toBe(param);
  if (before) expect(await get(args.id as string)).toEqual(before);
  return answer.body.error;
}

describe('nested merges', () => {
  it('schedule {value} keeps type cron and recomputes nextRun; timezone and type merge too', async () => {
    const m = await create({ schedule: { type: 'cron', value: '0 9 * * *' } });
    expect(m.schedule).toMatchObject({ type: 'cron', value: '0 9 * * *', timezone: 'UTC', nextRun: '2026-03-02T09:00:00.000Z' });

    let r = await update({ id: m.id, schedule: { value: '30 10 * * *' } });
    expect(r.updated).toEqual(['schedule']);
    expect(r.mission.schedule).toMatchObject({ type: 'cron', value: '30 10 * * *', timezone: 'UTC', nextRun: '2026-03-02T10:30:00.000Z', runCount: 0 });

    r = await update({ id: m.id, schedule: { timezone: 'Europe/Paris' } }); // CET, UTC+1 in March
    expect(r.mission.schedule).toMatchObject({ type: 'cron', value: '30 10 * * *', timezone: 'Europe/Paris', nextRun: '2026-03-02T09:30:00.000Z' });

    r = await update({ id: m.id, schedule: { maxRuns: 3 } });
    expect(r.mission.schedule).toMatchObject({ type: 'cron', value: '30 10 * * *', timezone: 'Europe/Paris', maxRuns: 3 });

    // a later clock: the recomputed nextRun comes from the time of the change
    clock.advance(3 * HOUR); // 11:00Z
    r = await update({ id: m.id, schedule: { value: '0 9 * * *' } }); // 09:00 Paris = 08:00Z, passed today
    expect(r.mission.schedule.nextRun).toBe('2026-03-03T08:00:00.000Z');

    // a new type does not inherit the cron expression
    r = await update({ id: m.id, schedule: { type: 'continuous' } });
    expect(r.mission.schedule).toMatchObject({ type: 'continuous', value: null, timezone: 'Europe/Paris', maxRuns: 3, nextRun: clock.now().toISOString() });

    // a value that does not fit the merged type is rejected with its path
    await expectInvalid({ id: m.id, schedule: { value: '0 9 * * *' } }, 'schedule.value');
    await expectInvalid({ id: m.id, schedule: { type: 'cron' } }, 'schedule.value');
    await expectInvalid({ id: m.id, schedule: { runCount: 0 } }, 'schedule.runCount');
  });

  it('brief fields merge; brief.offer merges; null unlinks it; null clears one field', async () => {
    const m = await create({
      brief: { targetAudience: 'CTOs', ctaUrl: 'https://example.com/a', exampleMessages: ['one', 'two'], offer: { id: 'o1', name: 'Audit', summary: 'Free' } },
    });
    let r = await update({ id: m.id, brief: { toneInstructions: 'Warm' } });
    expect(r.updated).toEqual(['brief']);
    expect(r.mission.brief).toEqual({
      targetAudience: 'CTOs',
      desiredAction: null,
      ctaUrl: 'https://example.com/a',
      toneInstructions: 'Warm',
      exampleMessages: ['one', 'two'],
      offer: { id: 'o1', name: 'Audit', summary: 'Free', landingPageUrl: null },
    });

    r = await update({ id: m.id, brief: { offer: { landingPageUrl: 'https://example.com/lp' }, exampleMessages: ['three'] } });
    expect(r.mission.brief.offer).toEqual({ id: 'o1', name: 'Audit', summary: 'Free', landingPageUrl: 'https://example.com/lp' });
    expect(r.mission.brief.exampleMessages).toEqual(['three']); // lists are replaced
    expect(r.mission.brief.targetAudience).toBe('CTOs');

    r = await update({ id: m.id, brief: { ctaUrl: null } });
    expect(r.mission.brief.ctaUrl).toBeNull();
    expect(r.mission.brief.offer).not.toBeNull();

    r = await update({ id: m.id, brief: { offer: null } });
    expect(r.mission.brief.offer).toBeNull();
    expect(r.mission.brief.targetAudience).toBe('CTOs');

    // a new offer needs a name
    await expectInvalid({ id: m.id, brief: { offer: { summary: 'nameless' } } }, 'brief.offer.name');
    await expectInvalid({ id: m.id, brief: { ctaUrl: 'ftp://x' } }, 'brief.ctaUrl');
  });

  it('brief: null is rejected (brief is an object, never null; README "Design notes") and every field can be cleared instead', async () => {
    // The brief asked for "brief: null resets the brief"; SPEC §5 only promises that null clears a
    // *nullable* field, and §2/README make brief a non-nullable object. This pins the documented
    // behaviour: a clear error naming "brief", and nothing changed.
    const m = await create({ brief: { targetAudience: 'CTOs', exampleMessages: ['hi'], offer: { name: 'Audit' } } });
    await expectInvalid({ id: m.id, brief: null }, 'brief');
    const r = await update({
      id: m.id,
      brief: { targetAudience: null, desiredAction: null, ctaUrl: null, toneInstructions: null, exampleMessages: [], offer: null },
    });
    expect(r.mission.brief).toEqual({ targetAudience: null, desiredAction: null, ctaUrl: null, toneInstructions: null, exampleMessages: [], offer: null });
  });

  it('plan.constraints merge field by field; plan lists are replaced', async () => {
    const m = await create({
      plan: { objectives: ['a'], platforms: ['x'], constraints: { tone: 'dry', postsPerDay: 2, postingTimes: ['09:00'] }, kpis: [{ metric: 'followers', target: 100 }] },
    });
    const r = await update({ id: m.id, plan: { constraints: { cadence: 'daily', postsPerDay: null } } });
    expect(r.updated).toEqual(['plan']);
    expect(r.mission.plan).toEqual({
      objectives: ['a'],
      platforms: ['x'],
      constraints: { tone: 'dry', cadence: 'daily', postsPerDay: null, postingTimes: ['09:00'], timezone: null, requireApproval: null, budgetCents: null, excludedTopics: [] },
      kpis: [{ metric: 'followers', target: 100, platform: null, current: null }],
    });
    const r2 = await update({ id: m.id, plan: { kpis: [{ metric: 'clicks', current: 4 }], objectives: ['b', 'c'] } });
    expect(r2.mission.plan.kpis).toEqual([{ metric: 'clicks', target: null, platform: null, current: 4 }]);
    expect(r2.mission.plan.objectives).toEqual(['b', 'c']);
    expect(r2.mission.plan.platforms).toEqual(['x']);
    expect(r2.mission.plan.constraints.cadence).toBe('daily');
    await expectInvalid({ id: m.id, plan: { constraints: { postingTimes: ['25:00'] } } }, 'plan.constraints.postingTimes.0');
    await expectInvalid({ id: m.id, plan: { kpis: [{ metric: 'a' }, { target: 1 }] } }, 'plan.kpis.1.metric');
  });

  it('null clears spaceId and characterId', async () => {
    const m = await create({ spaceId: 'space_1', characterId: 'char_1' });
    const r = await update({ id: m.id, spaceId: null });
    expect(r.updated).toEqual(['spaceId']);
    expect(r.mission.spaceId).toBeNull();
    expect(r.mission.characterId).toBe('char_1');
    const r2 = await update({ id: m.id, characterId: null, spaceId: null });
    expect(r2.updated).toEqual(['characterId']);
    expect(r2.mission.characterId).toBeNull();
  });
});

describe('stats', () => {
  it('sets, merges, resets and removes counters; rejects bad ones', async () => {
    const m = await create({});
    let r = await update({ id: m.id, stats: { leads: 12, contacted: 5 } });
    expect(r.updated).toEqual(['stats']);
    expect(r.mission.stats).toEqual({ leads: 12, contacted: 5, replied: 0 });
    r = await update({ id: m.id, stats: { replied: 2, meetings: 1 } });
    expect(r.mission.stats).toEqual({ leads: 12, contacted: 5, replied: 2, meetings: 1 });
    r = await update({ id: m.id, stats: { leads: null, meetings: null } });
    expect(r.mission.stats).toEqual({ leads: 0, contacted: 5, replied: 2 });
    r = await update({ id: m.id, stats: { contacted: 5 } });
    expect(r.updated).toEqual([]);
    await expectInvalid({ id: m.id, stats: { leads: -1 } }, 'stats.leads');
    await expectInvalid({ id: m.id, stats: { leads: 1.5 } }, 'stats.leads');
    await expectInvalid({ id: m.id, stats: { '1bad': 1 } }, 'stats.1bad');
  });
});

describe('addImports', () => {
  it('appends entries with a generated importId and defaults; keeps earlier ones', async () => {
    const m = await create({});
    let r = await update({ id: m.id, addImports: [{ type: 'csv' }] });
    expect(r.updated).toEqual(['imports']);
    expect(r.mission.imports).toHaveLength(1);
    const first = r.mission.imports[0];
    expect(first.importId).toEqual(expect.any(String));
    expect(first.importId.length).toBeGreaterThan(0);
    expect(first).toEqual({
      importId: first.importId,
      type: 'csv',
      name: null,
      date: T0,
      count: 0,
      createdCount: 0,
      skippedCount: 0,
      invalidCount: 0,
      sourceUrl: null,
      context: null,
    });
    clock.advance(HOUR);
    r = await update({
      id: m.id,
      addImports: [
        { importId: 'crm-7', type: 'crm', name: 'Hubspot', date: '2026-03-01T12:00:00+01:00', count: 10, createdCount: 8, skippedCount: 1, invalidCount: 1, sourceUrl: 'https://crm.example.com/x', context: 'webinar' },
        { type: 'manual' },
      ],
    });
    expect(r.mission.imports).toHaveLength(3);
    expect(r.mission.imports[0]).toEqual(first);
    expect(r.mission.imports[1]).toEqual({
      importId: 'crm-7', type: 'crm', name: 'Hubspot', date: '2026-03-01T11:00:00.000Z', count: 10, createdCount: 8, skippedCount: 1, invalidCount: 1, sourceUrl: 'https://crm.example.com/x', context: 'webinar',
    });
    expect(r.mission.imports[2].date).toBe(clock.now().toISOString());
    expect(new Set(r.mission.imports.map((i: any) => i.importId)).size).toBe(3);
  });

  it('rejects a duplicate importId, against the log or within one call, and imports as input', async () => {
    const m = await create({});
    await update({ id: m.id, addImports: [{ importId: 'a1', type: 'csv' }] });
    let e = await expectInvalid({ id: m.id, addImports: [{ importId: 'a1', type: 'csv' }] }, 'addImports.0.importId');
    expect(e.message).toContain('a1');
    e = await expectInvalid({ id: m.id, addImports: [{ importId: 'b1', type: 'csv' }, { importId: 'b1', type: 'csv' }] }, 'addImports.1.importId');
    e = await expectInvalid({ id: m.id, imports: [] }, 'imports');
    expect(e.issues[0].message).toContain('addImports');
    await expectInvalid({ id: m.id, addImports: [] }, 'addImports');
    await expectInvalid({ id: m.id, addImports: [{ type: 'csv', sourceUrl: 'file:///etc/passwd' }] }, 'addImports.0.sourceUrl');
    expect((await get(m.id)).imports).toHaveLength(1);
  });
});

describe('the mission window', () => {
  it('durationDays sets endsAt = startsAt + days; startsAt defaults to now', async () => {
    const a = await create({ durationDays: 14 });
    expect(a.startsAt).toBe(T0);
    expect(a.endsAt).toBe(iso(Date.parse(T0) + 14 * DAY));

    const b = await create({ startsAt: '2026-04-01T00:00:00+02:00', durationDays: 2.5 });
    expect(b.startsAt).toBe('2026-03-31T22:00:00.000Z');
    expect(b.endsAt).toBe(iso(Date.parse('2026-03-31T22:00:00Z') + 60 * HOUR));

    // on update: from the stored startsAt
    const r = await update({ id: b.id, durationDays: 3 });
    expect(r.updated).toEqual(['endsAt']);
    expect(r.mission.endsAt).toBe(iso(Date.parse('2026-03-31T22:00:00Z') + 3 * DAY));

    // on update without a startsAt: startsAt becomes now
    const c = await create({});
    clock.advance(HOUR);
    const rc = await update({ id: c.id, durationDays: 1 });
    expect([...rc.updated].sort()).toEqual(['endsAt', 'startsAt']);
    expect(rc.mission.startsAt).toBe(clock.now().toISOString());
    expect(rc.mission.endsAt).toBe(iso(clock.now().getTime() + DAY));
  });

  it('rejects endsAt <= startsAt with param endsAt, and endsAt together with durationDays', async () => {
    await expectInvalid({ title: 't', goal: 'g', startsAt: '2026-05-01T00:00:00Z', endsAt: '2026-04-01T00:00:00Z' }, 'endsAt', 'createMission');
    await expectInvalid({ title: 't', goal: 'g', startsAt: '2026-05-01T00:00:00Z', endsAt: '2026-05-01T00:00:00Z' }, 'endsAt', 'createMission');
    const m = await create({ startsAt: '2026-05-01T00:00:00Z', endsAt: '2026-06-01T00:00:00Z' });
    await expectInvalid({ id: m.id, endsAt: '2026-04-30T00:00:00Z' }, 'endsAt');
    await expectInvalid({ id: m.id, endsAt: '2026-05-01T00:00:00Z' }, 'endsAt');

    const both = await call(h.client, 'createMission', { title: 't', goal: 'g', endsAt: '2026-06-01T00:00:00Z', durationDays: 3 });
    expect(both.isError).toBe(true);
    expect(both.body.error.code).toBe('invalid_request');
    expect(['endsAt', 'durationDays']).toContain(both.body.error.param);
    const bothUpdate = await call(h.client, 'updateMission', { id: m.id, endsAt: '2026-06-02T00:00:00Z', durationDays: 3 });
    expect(bothUpdate.isError).toBe(true);
    expect(bothUpdate.body.error.code).toBe('invalid_request');
    expect((await get(m.id)).endsAt).toBe('2026-06-01T00:00:00.000Z');
    await expectInvalid({ id: m.id, durationDays: 0 }, 'durationDays');
    await expectInvalid({ id: m.id, durationDays: -2 }, 'durationDays');
  });
});

describe('lifecycle side effects', () => {
  it('status running increments runCount and sets lastRun; pending ends the run', async () => {
    const m = await create({ schedule: { type: 'cron', value: '0 9 * * *' } });
    clock.set('2026-03-02T09:00:05Z');
    let r = await update({ id: m.id, status: 'running' });
    expect([...r.updated].sort()).toEqual(['schedule', 'status']);
    expect(r.mission.status).toBe('running');
    expect(r.mission.schedule.runCount).toBe(1);
    expect(r.mission.schedule.lastRun).toBe('2026-03-02T09:00:05.000Z');
    clock.advance(10 * 60 * 1000);
    r = await update({ id: m.id, status: 'pending' });
    expect(r.mission.status).toBe('pending');
    expect(r.mission.schedule).toMatchObject({ runCount: 1, lastRun: '2026-03-02T09:00:05.000Z', nextRun: '2026-03-03T09:00:00.000Z' });
    r = await update({ id: m.id, status: 'running' });
    expect(r.mission.schedule.runCount).toBe(2);
    expect(r.mission.schedule.lastRun).toBe(clock.now().toISOString());
  });

  it('running → pending with maxRuns reached completes the mission', async () => {
    const m = await create({ schedule: { type: 'cron', value: '0 9 * * *', maxRuns: 2 } });
    await update({ id: m.id, status: 'running' });
    let r = await update({ id: m.id, status: 'pending' });
    expect(r.mission.status).toBe('pending');
    expect(r.mission.schedule.nextRun).not.toBeNull();
    await update({ id: m.id, status: 'running' });
    r = await update({ id: m.id, status: 'pending' });
    expect(r.mission.status).toBe('completed');
    expect(r.mission.schedule).toMatchObject({ runCount: 2, maxRuns: 2, nextRun: null });
  });

  it('lowering maxRuns to the runs already made completes a pending mission', async () => {
    const m = await create({ schedule: { type: 'continuous' } });
    await update({ id: m.id, status: 'running' });
    await update({ id: m.id, status: 'pending' });
    const r = await update({ id: m.id, schedule: { maxRuns: 1 } });
    expect(r.mission.status).toBe('completed');
    expect(r.mission.schedule.nextRun).toBeNull();
  });

  it('a run ended by pause then resume, with maxRuns reached, completes instead of waiting forever (SPEC §3)', async () => {
    // "When runCount reaches maxRuns the mission completes." A mission paused in the middle of its last
    // run and then resumed must not sit in "pending" with nextRun null and nothing left to run.
    const m = await create({ schedule: { type: 'continuous', maxRuns: 1 } });
    await update({ id: m.id, status: 'running' });
    await pause(m.id);
    const resumed = await resume(m.id);
    expect(resumed.schedule.nextRun).toBeNull();
    expect(resumed.status).toBe('completed');
  });

  it('pause, then resume N hours later: endsAt moves N hours later, pausedAt cleared, nextRun recomputed', async () => {
    const m = await create({ durationDays: 10, schedule: { type: 'cron', value: '0 9 * * *' } });
    const endsAt = Date.parse(m.endsAt);
    const paused = await pause(m.id);
    expect(paused).toMatchObject({ status: 'paused', pausedAt: T0, endsAt: m.endsAt });
    expect(paused.schedule.nextRun).toBeNull();
    clock.advance(5 * HOUR); // 13:00Z, after today's 09:00
    const resumed = await resume(m.id);
    expect(resumed.status).toBe('pending');
    expect(resumed.pausedAt).toBeNull();
    expect(resumed.endsAt).toBe(iso(endsAt + 5 * HOUR));
    expect(resumed.startsAt).toBe(m.startsAt);
    expect(resumed.schedule.nextRun).toBe('2026-03-03T09:00:00.000Z');

    // the same through updateMission (one code path)
    await update({ id: m.id, status: 'paused' });
    clock.advance(2 * HOUR);
    const r = await update({ id: m.id, status: 'pending' });
    expect(r.mission.endsAt).toBe(iso(endsAt + 7 * HOUR));
    expect(r.mission.pausedAt).toBeNull();

    // created paused: the clock starts stopped
    const p = await create({ status: 'paused', durationDays: 1 });
    expect(p).toMatchObject({ status: 'paused', pausedAt: clock.now().toISOString() });
    clock.advance(3 * HOUR);
    const pr = await resume(p.id);
    expect(pr.endsAt).toBe(iso(Date.parse(p.endsAt) + 3 * HOUR));
  });

  it('paused → archived or completed keeps endsAt and clears pausedAt', async () => {
    for (const to of ['archived', 'completed']) {
      const m = await create({ durationDays: 3 });
      await pause(m.id);
      clock.advance(4 * HOUR);
      const r = await update({ id: m.id, status: to });
      expect(r.mission).toMatchObject({ status: to, pausedAt: null, endsAt: m.endsAt });
      expect(r.mission.schedule.nextRun).toBeNull();
    }
  });

  it('setting the status a mission already has is a no-op: updated [] and updatedAt unchanged', async () => {
    const m = await create({ schedule: { type: 'cron', value: '0 9 * * *' } });
    clock.advance(HOUR);
    let r = await update({ id: m.id, status: 'pending' });
    expect(r.updated).toEqual([]);
    expect(r.mission).toEqual(m);
    await pause(m.id);
    const paused = await get(m.id);
    clock.advance(HOUR);
    r = await update({ id: m.id, status: 'paused' });
    expect(r.updated).toEqual([]);
    expect(r.mission).toEqual(paused);
    expect(await pause(m.id)).toEqual(paused);
    await update({ id: m.id, status: 'pending' });
    await update({ id: m.id, status: 'running' });
    const running = await get(m.id);
    r = await update({ id: m.id, status: 'running' });
    expect(r.updated).toEqual([]);
    expect(r.mission.schedule.runCount).toBe(1); // no second run recorded
    expect(await get(m.id)).toEqual(running);
  });

  it('a forbidden change is a conflict that lists the allowed ones, and changes nothing', async () => {
    const m = await create({});
    await pause(m.id);
    const before = await get(m.id);
    for (const to of ['running', 'failed']) {
      const a = await call(h.client, 'updateMission', { id: m.id, status: to, title: 'changed' });
      expect(a.isError).toBe(true);
      expect(a.body.error.code).toBe('conflict');
      expect(a.body.error.message).toMatch(/pending.*completed.*archived/);
    }
    expect(await get(m.id)).toEqual(before);
  });
});

describe('nextRun', () => {
  it('is null while paused, completed, failed or archived, and back when pending', async () => {
    const m = await create({ schedule: { type: 'cron', value: '0 9 * * *' } });
    expect(m.schedule.nextRun).toBe('2026-03-02T09:00:00.000Z');
    expect((await pause(m.id)).schedule.nextRun).toBeNull();
    expect((await update({ id: m.id, schedule: { value: '0 10 * * *' } })).mission.schedule.nextRun).toBeNull(); // still paused
    expect((await resume(m.id)).schedule.nextRun).toBe('2026-03-02T10:00:00.000Z');
    for (const status of ['completed', 'archived']) {
      expect((await update({ id: m.id, status })).mission.schedule.nextRun).toBeNull();
    }
    expect((await update({ id: m.id, status: 'pending' })).mission.schedule.nextRun).toBe('2026-03-02T10:00:00.000Z');
    expect((await update({ id: m.id, status: 'failed' })).mission.schedule.nextRun).toBeNull();
    expect((await update({ id: m.id, status: 'pending' })).mission.schedule.nextRun).toBe('2026-03-02T10:00:00.000Z');
  });

  it('is never after endsAt', async () => {
    const cut = await create({ schedule: { type: 'cron', value: '0 9 * * *' }, endsAt: '2026-03-02T08:30:00Z' });
    expect(cut.schedule.nextRun).toBeNull();
    const edge = await create({ schedule: { type: 'cron', value: '0 9 * * *' }, endsAt: '2026-03-02T09:00:00Z' });
    expect(edge.schedule.nextRun).toBe('2026-03-02T09:00:00.000Z');
    const once = await create({ schedule: { type: 'once', value: '2026-04-01T00:00:00Z' }, endsAt: '2026-03-15T00:00:00Z' });
    expect(once.schedule.nextRun).toBeNull();
    // moving endsAt earlier than nextRun clears it; moving it later brings it back
    const m = await create({ schedule: { type: 'cron', value: '0 9 * * 1' } }); // Mondays
    expect(m.schedule.nextRun).toBe('2026-03-02T09:00:00.000Z');
    let r = await update({ id: m.id, endsAt: '2026-03-02T08:59:00Z' });
    expect(r.mission.schedule.nextRun).toBeNull();
    r = await update({ id: m.id, endsAt: '2026-12-31T00:00:00Z' });
    expect(r.mission.schedule.nextRun).toBe('2026-03-02T09:00:00.000Z');
    // durationDays that ends before the first match
    r = await update({ id: m.id, startsAt: '2026-03-03T00:00:00Z', durationDays: 2 }); // Tue–Thu: no Monday
    expect(r.mission.schedule.nextRun).toBeNull();
    // and a resume that moves endsAt never pushes nextRun past it
    const c = await create({ schedule: { type: 'continuous' }, startsAt: '2026-03-05T00:00:00Z', durationDays: 1 });
    expect(c.schedule.nextRun).toBe('2026-03-05T00:00:00.000Z'); // continuous waits for startsAt
  });

  it('does not move as time passes: an overdue mission stays due until a run is recorded', async () => {
    const m = await create({ schedule: { type: 'cron', value: '0 9 * * *' } });
    const cont = await create({ schedule: { type: 'continuous' } });
    const once = await create({ schedule: { type: 'once' } });
    expect(cont.schedule.nextRun).toBe(T0);
    expect(once.schedule.nextRun).toBe(T0);
    clock.advance(2 * DAY + 4 * HOUR); // Wed 12:00Z
    expect((await get(m.id)).schedule.nextRun).toBe('2026-03-02T09:00:00.000Z');
    expect((await get(cont.id)).schedule.nextRun).toBe(T0);
    const now = clock.now().toISOString();
    const due = await ok(h.client, 'listMissions', { dueBefore: now });
    expect(new Set(due.missions.map((x: any) => x.id))).toEqual(new Set([m.id, cont.id, once.id]));
    expect(due.total).toBe(3);
    // at or before: exactly nextRun counts, a millisecond earlier does not
    const exact = await ok(h.client, 'listMissions', { dueBefore: '2026-03-02T09:00:00Z' });
    expect(exact.missions.map((x: any) => x.id)).toContain(m.id);
    const early = await ok(h.client, 'listMissions', { dueBefore: '2026-03-02T08:59:59.999Z' });
    expect(early.missions.map((x: any) => x.id)).not.toContain(m.id);
    // recording a run moves it on
    await update({ id: m.id, status: 'running' });
    const after = await update({ id: m.id, status: 'pending' });
    expect(after.mission.schedule.nextRun).toBe('2026-03-05T09:00:00.000Z');
    const onceRun = await update({ id: once.id, status: 'running' });
    expect(onceRun.mission.schedule.nextRun).toBeNull();
    const onceDone = await update({ id: once.id, status: 'pending' });
    expect(onceDone.mission.schedule.nextRun).toBeNull();
    const stillDue = await ok(h.client, 'listMissions', { dueBefore: now });
    expect(stillDue.missions.map((x: any) => x.id)).toEqual([cont.id]);
  });
});
