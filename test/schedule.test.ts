// The cron table of the TeamDay docs, from a fixed clock, through createMission: nextRun is what a
// user would read in their calendar.
import { afterEach, describe, expect, it } from 'vitest';
import { computeNextRun, cronProblem } from '../src/mission/schedule.js';
import { call, connectInMemory, fixedClock, ok, type Harness } from './helpers.js';

// Tuesday 24 November 2026, 10:15 UTC = 05:15 in New York (EST, UTC-5).
const NOW = '2026-11-24T10:15:00.000Z';

const TABLE: [expression: string, meaning: string, utc: string, newYork: string][] = [
  ['0 8 * * *', 'every day at 8:00', '2026-11-25T08:00:00.000Z', '2026-11-24T13:00:00.000Z'],
  ['0 9 * * MON', 'Mondays at 9:00', '2026-11-30T09:00:00.000Z', '2026-11-30T14:00:00.000Z'],
  ['0 9 * * 1-5', 'weekdays at 9:00', '2026-11-25T09:00:00.000Z', '2026-11-24T14:00:00.000Z'],
  ['0 */6 * * *', 'every 6 hours', '2026-11-24T12:00:00.000Z', '2026-11-24T11:00:00.000Z'],
  ['0 9 1 * *', 'the 1st of each month at 9:00', '2026-12-01T09:00:00.000Z', '2026-12-01T14:00:00.000Z'],
  ['0 9 1 1,4,7,10 *', 'each quarter', '2027-01-01T09:00:00.000Z', '2027-01-01T14:00:00.000Z'],
  ['*/30 * * * *', 'every 30 minutes', '2026-11-24T10:30:00.000Z', '2026-11-24T10:30:00.000Z'],
];

describe('cron nextRun from a fixed clock', () => {
  let h: Harness;
  afterEach(() => h?.close());

  it.each(TABLE)('%s (%s) in UTC and America/New_York', async (expression, _meaning, utc, newYork) => {
    h = await connectInMemory({ now: fixedClock(NOW).now });
    const inUtc = await ok(h.client, 'createMission', { title: 'T', goal: 'G', schedule: { type: 'cron', value: expression } });
    expect(inUtc.mission.schedule).toMatchObject({ type: 'cron', value: expression, timezone: 'UTC', nextRun: utc });
    const inNy = await ok(h.client, 'createMission', {
      title: 'T',
      goal: 'G',
      schedule: { type: 'cron', value: expression, timezone: 'America/New_York' },
    });
    expect(inNy.mission.schedule.nextRun).toBe(newYork);
  });

  it('follows daylight saving time: Monday 9:00 in New York after the March change is 13:00 UTC', async () => {
    h = await connectInMemory({ now: fixedClock('2026-03-07T15:00:00Z').now });
    const { mission } = await ok(h.client, 'createMission', {
      title: 'T',
      goal: 'G',
      schedule: { type: 'cron', value: '0 9 * * MON', timezone: 'America/New_York' },
    });
    expect(mission.schedule.nextRun).toBe('2026-03-09T13:00:00.000Z');
  });

  it('accepts month names and lists', () => {
    expect(cronProblem('0 9 1 JAN,APR,JUL,OCT *', 'UTC')).toBeUndefined();
    expect(computeNextRun(
      { status: 'pending', startsAt: null, endsAt: null, schedule: { type: 'cron', value: '0 9 1 JAN,APR,JUL,OCT *', timezone: 'UTC', maxRuns: null, lastRun: null, nextRun: null, runCount: 0 } },
      new Date(NOW),
    )).toBe('2027-01-01T09:00:00.000Z');
  });

  it('has no next run after the year 9999, even where the local day is still 9999 (nothing unloadable is stored)', () => {
    for (const timezone of ['UTC', 'America/New_York']) {
      expect(computeNextRun(
        { status: 'pending', startsAt: null, endsAt: null, schedule: { type: 'cron', value: '0 23 * * *', timezone, maxRuns: null, lastRun: null, nextRun: null, runCount: 0 } },
        new Date('9999-12-31T12:00:00Z'),
      )).toBeNull();
    }
  });

  it.each([
    ['61 * * * *', 'schedule.value'],
    ['0 9 * *', 'schedule.value'],
    ['0 9 * * 1-5 2026', 'schedule.value'],
    ['every day', 'schedule.value'],
  ])('rejects the cron expression %j naming %s', async (value, param) => {
    h = await connectInMemory({ now: fixedClock(NOW).now });
    const answer = await call(h.client, 'createMission', { title: 'T', goal: 'G', schedule: { type: 'cron', value } });
    expect(answer.isError).toBe(true);
    expect(answer.body.error).toMatchObject({ code: 'invalid_request', param });
    expect(answer.body.error.issues[0].message).toContain(value);
  });

  it('rejects a time zone that is not an IANA name, naming schedule.timezone', async () => {
    h = await connectInMemory({ now: fixedClock(NOW).now });
    for (const timezone of ['Mars/Olympus', '+01:00', 'EST5EDT!']) {
      const answer = await call(h.client, 'createMission', { title: 'T', goal: 'G', schedule: { type: 'cron', value: '0 9 * * *', timezone } });
      expect(answer.body.error, timezone).toMatchObject({ code: 'invalid_request', param: 'schedule.timezone' });
    }
  });

  it('once: nextRun is the given time until the mission has run, or now when omitted', async () => {
    const clock = fixedClock(NOW);
    h = await connectInMemory({ now: clock.now });
    const at = await ok(h.client, 'createMission', { title: 'T', goal: 'G', schedule: { type: 'once', value: '2026-12-01T09:00:00+01:00' } });
    expect(at.mission.schedule).toMatchObject({ value: '2026-12-01T08:00:00.000Z', nextRun: '2026-12-01T08:00:00.000Z' });
    const asap = await ok(h.client, 'createMission', { title: 'T', goal: 'G', schedule: { type: 'once' } });
    expect(asap.mission.schedule.nextRun).toBe(NOW);
    clock.advance(60_000);
    const ran = await ok(h.client, 'updateMission', { id: asap.mission.id, status: 'running' });
    expect(ran.mission.schedule).toMatchObject({ runCount: 1, lastRun: '2026-11-24T10:16:00.000Z', nextRun: null });
    const done = await ok(h.client, 'updateMission', { id: asap.mission.id, status: 'pending' });
    expect(done.mission.schedule.nextRun).toBeNull();
  });

  it('continuous: nextRun is now while pending; none: never', async () => {
    h = await connectInMemory({ now: fixedClock(NOW).now });
    const c = await ok(h.client, 'createMission', { title: 'T', goal: 'G', schedule: { type: 'continuous' } });
    expect(c.mission.schedule.nextRun).toBe(NOW);
    const n = await ok(h.client, 'createMission', { title: 'T', goal: 'G' });
    expect(n.mission.schedule.nextRun).toBeNull();
    const bad = await call(h.client, 'createMission', { title: 'T', goal: 'G', schedule: { type: 'continuous', value: '0 9 * * *' } });
    expect(bad.body.error.param).toBe('schedule.value');
  });

  it('never schedules after endsAt, nor before startsAt', async () => {
    h = await connectInMemory({ now: fixedClock(NOW).now });
    const ended = await ok(h.client, 'createMission', {
      title: 'T', goal: 'G', endsAt: '2026-11-24T11:00:00Z', schedule: { type: 'cron', value: '0 9 * * *' },
    });
    expect(ended.mission.schedule.nextRun).toBeNull();
    const later = await ok(h.client, 'createMission', {
      title: 'T', goal: 'G', startsAt: '2026-12-10T09:00:00Z', schedule: { type: 'cron', value: '0 9 * * *' },
    });
    expect(later.mission.schedule.nextRun).toBe('2026-12-10T09:00:00.000Z');
  });
});
