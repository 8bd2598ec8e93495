// What agents stumbled on (issue 14): times in queries relative to the server's now, atomic counter
// increments, `stats: null`, fields sent one level too high, a schedule value without its type, and a
// continuous schedule's cool-down.
import { afterEach, describe, expect, it } from 'vitest';
import { call, closedAfterEach, fixedClock, ok, tempDir } from './helpers.js';
import { openJsonFileStore } from '../src/store/index.js';
import { join } from 'node:path';

const { cleanups, harness } = closedAfterEach(afterEach);

describe('listMissions: dueBefore "now" and relative times', () => {
  it('accepts "now", "+1h", "-30m"; answers the server\'s now; sorts soonest first by default when dueBefore is given', async () => {
    const clock = fixedClock('2026-12-02T10:00:00.000Z');
    const h = await harness({ now: clock.now });
    const at = (iso: string, title: string) => ok(h.client, 'createMission', { title, goal: 'G', schedule: { type: 'once', value: iso } });
    const later = (await at('2026-12-02T10:40:00Z', 'in 40 min')).mission;
    const past = (await at('2026-12-02T09:00:00Z', 'an hour ago')).mission;
    const soon = (await at('2026-12-02T10:20:00Z', 'in 20 min')).mission;
    const due = await ok(h.client, 'listMissions', { dueBefore: 'now', mode: 'compact' });
    expect(due.now).toBe('2026-12-02T10:00:00.000Z');
    expect(due.missions.map((m: { id: string }) => m.id)).toEqual([past.id]);
    const hour = await ok(h.client, 'listMissions', { dueBefore: '+1h', mode: 'compact' });
    expect(hour.missions.map((m: { id: string }) => m.id)).toEqual([past.id, soon.id, later.id]);
    expect((await ok(h.client, 'listMissions', { dueBefore: '-30m' })).total).toBe(1);
    expect((await ok(h.client, 'listMissions', { dueBefore: '+30m', order: 'desc' })).missions.map((m: { id: string }) => m.id)).toEqual([soon.id, past.id]);
    // A cursor made with "now" keeps working on the next page, though now has moved.
    const page1 = await ok(h.client, 'listMissions', { dueBefore: '+1h', limit: 1 });
    clock.advance(1000);
    const page2 = await ok(h.client, 'listMissions', { dueBefore: '+1h', limit: 1, cursor: page1.nextCursor });
    expect(page2.missions[0].id).toBe(soon.id);
    const bad = await call(h.client, 'listMissions', { dueBefore: 'tomorrow' });
    expect(bad.body.error).toMatchObject({ code: 'invalid_request', param: 'dueBefore' });
    expect(bad.body.error.issues[0].message).toMatch(/"now".*"\+1h"/);
  });
});

describe('counters', () => {
  it('addStats increments atomically: 40 parallel increments from two store instances (two processes) lose none', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const file = join(tmp.dir, 'missions.json');
    const [a, b] = [openJsonFileStore(file), openJsonFileStore(file)];
    cleanups.push(() => a.close(), () => b.close());
    const ha = await harness({ store: a });
    const hb = await harness({ store: b });
    const { mission } = await ok(ha.client, 'createMission', { title: 'Outreach', goal: 'G', stats: { leads: 10 } });
    await Promise.all(Array.from({ length: 40 }, (_, i) => ok(i % 2 ? ha.client : hb.client, 'updateMission', { id: mission.id, addStats: { leads: 2, calls: 1 } })));
    const after = (await ok(hb.client, 'getMission', { id: mission.id })).mission;
    expect(after.stats).toEqual({ leads: 90, contacted: 0, replied: 0, calls: 40 });
    const negative = await call(ha.client, 'updateMission', { id: mission.id, addStats: { leads: -91 } });
    expect(negative.body.error).toMatchObject({ code: 'invalid_request', param: 'addStats.leads' });
    expect(negative.body.error.message).toMatch(/negative \(90 \+ -91\)/);
    expect((await ok(ha.client, 'updateMission', { id: mission.id, addStats: { leads: -90 } })).mission.stats.leads).toBe(0);
  });

  it('stats: null resets the standard counters to 0 and removes the others', async () => {
    const h = await harness();
    const { mission } = await ok(h.client, 'createMission', { title: 'T', goal: 'G', stats: { leads: 5, calls: 3 } });
    const reset = await ok(h.client, 'updateMission', { id: mission.id, stats: null });
    expect(reset.mission.stats).toEqual({ leads: 0, contacted: 0, replied: 0 });
    expect(reset.updated).toEqual(['stats']);
  });
});

describe('hints', () => {
  it('a plan field sent at the top level says it belongs in plan', async () => {
    const h = await harness();
    const answer = await call(h.client, 'createMission', { title: 'T', goal: 'G', kpis: [{ metric: 'followers' }], targetAudience: 'CTOs' });
    expect(answer.body.error.issues).toEqual([
      { path: 'kpis', message: 'Unknown field "kpis": it belongs inside plan, as { "plan": { "kpis": … } }' },
      { path: 'targetAudience', message: 'Unknown field "targetAudience": it belongs inside brief, as { "brief": { "targetAudience": … } }' },
    ]);
  });

  it('a schedule value without a type says which type it reads as', async () => {
    const h = await harness();
    const cron = await call(h.client, 'createMission', { title: 'T', goal: 'G', schedule: { value: '0 9 * * 1-5' } });
    expect(cron.body.error.issues[0]).toEqual({ path: 'schedule.value', message: 'a none schedule takes no value; it reads as a cron expression: add "type": "cron"' });
    const once = await call(h.client, 'createMission', { title: 'T', goal: 'G', schedule: { value: '2026-12-24T09:00:00Z' } });
    expect(once.body.error.issues[0].message).toMatch(/add "type": "once"/);
  });
});

describe('continuous schedules', () => {
  it('take a cool-down ("5m") and come back after it; a bad one names schedule.value', async () => {
    const clock = fixedClock('2026-12-02T10:00:00.000Z');
    const h = await harness({ now: clock.now });
    const { mission } = await ok(h.client, 'createMission', { title: 'Loop', goal: 'G', schedule: { type: 'continuous', value: '5m' } });
    expect(mission.schedule).toMatchObject({ value: '5m', nextRun: '2026-12-02T10:00:00.000Z' });
    await ok(h.client, 'updateMission', { id: mission.id, status: 'running' });
    clock.advance(60_000);
    const done = await ok(h.client, 'updateMission', { id: mission.id, status: 'pending' });
    expect(done.mission.schedule.nextRun).toBe('2026-12-02T10:05:00.000Z');
    const bad = await call(h.client, 'createMission', { title: 'T', goal: 'G', schedule: { type: 'continuous', value: 'often' } });
    expect(bad.body.error).toMatchObject({ code: 'invalid_request', param: 'schedule.value' });
    expect(bad.body.error.message).toMatch(/"30s", "5m" or "1h"/);
  });
});
