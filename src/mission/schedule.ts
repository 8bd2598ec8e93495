// Schedules (SPEC §3): validating a merged schedule and computing nextRun. Pure: the clock comes in.
import { Cron } from 'croner';
import type { Issue } from '../errors.js';
import { DURATION_UNIT_MS, isIanaTimeZone, isIsoTime, type DurationUnit } from './fields.js';
import type { Mission, Schedule, ScheduleType } from './model.js';

/** What a caller may set; the rest is the server's. */
export interface ScheduleSettings {
  type: ScheduleType;
  value: string | null;
  timezone: string;
  maxRuns: number | null;
}

/** SPEC §3: a schedule that has started maxRuns runs has no more to give; its mission completes. */
export const runsUsedUp = (s: Pick<Schedule, 'maxRuns' | 'runCount'>): boolean => s.maxRuns !== null && s.runCount >= s.maxRuns;

/** Parsed cron patterns by zone and expression: parsing costs more than finding the next match. */
const crons = new Map<string, Cron>();

function cronFor(expression: string, timezone: string): Cron {
  const key = `${timezone} ${expression}`;
  let cron = crons.get(key);
  if (!cron) {
    cron = new Cron(expression, { paused: true, mode: '5-part', timezone });
    if (crons.size >= 500) crons.clear();
    crons.set(key, cron);
  }
  return cron;
}

/** Checks a 5-field cron expression; returns a reason when it is not one. */
export function cronProblem(expression: string, timezone: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    return `expected 5 fields "minute hour day-of-month month day-of-week" (e.g. "0 9 * * 1-5"), got ${fields.length}`;
  }
  let cron: Cron;
  try {
    cron = cronFor(expression, timezone);
  } catch (error) {
    return `not a valid cron expression: ${(error as Error).message}`;
  }
  if (isIanaTimeZone(timezone) && neverMatches(expression, timezone, cron)) {
    return 'never matches a date (the day of the month does not exist in that month, e.g. "0 0 31 2 *"), so the mission would never run';
  }
  return undefined;
}

/**
 * Patterns that match no date at all ("0 0 31 2 *"). croner searches years before it says so (about
 * 45 ms), so the answer is remembered: a client cannot make the server search again and again.
 */
const never = new Map<string, boolean>();

function neverMatches(expression: string, timezone: string, cron: Cron): boolean {
  const key = `${timezone} ${expression}`;
  let answer = never.get(key);
  if (answer === undefined) {
    answer = cron.nextRun(new Date(Date.UTC(2000, 0, 1))) === null;
    if (never.size >= 500) never.clear();
    never.set(key, answer);
  }
  return answer;
}

/** Validates merged schedule settings; each problem names its path under `schedule`. */
export function scheduleIssues(s: ScheduleSettings): Issue[] {
  const issues: Issue[] = [];
  if (!isIanaTimeZone(s.timezone)) {
    issues.push({ path: 'schedule.timezone', message: `"${s.timezone}" is not an IANA time zone name; use e.g. "UTC" or "America/New_York"` });
    return issues;
  }
  switch (s.type) {
    case 'cron':
      if (s.value === null) issues.push({ path: 'schedule.value', message: 'a cron schedule needs a cron expression, e.g. "0 9 * * 1-5"' });
      else {
        const problem = cronProblem(s.value, s.timezone);
        if (problem) issues.push({ path: 'schedule.value', message: `"${s.value}": ${problem}` });
      }
      break;
    case 'once':
      if (s.value !== null && !isIsoTime(s.value)) {
        issues.push({ path: 'schedule.value', message: `"${s.value}" is not an ISO 8601 time with a zone; use e.g. "2026-12-01T09:00:00Z", or omit it for as soon as possible` });
      }
      break;
    case 'continuous':
      if (s.value !== null && !COOL_DOWN.test(s.value.trim())) {
        issues.push({ path: 'schedule.value', message: `"${s.value}" is not a cool-down: use e.g. "30s", "5m" or "1h" (at least 1s), or null for 60 s` });
      }
      break;
    case 'none':
      if (s.value !== null) issues.push({ path: 'schedule.value', message: `a none schedule takes no value; ${typeFor(s.value, s.timezone)}` });
      break;
  }
  return issues;
}

/** A continuous schedule's cool-down between runs: "30s", "5m", "1h", "1d". */
export const COOL_DOWN = /^[1-9]\d{0,5}(s|m|h|d)$/;

/** The cool-down of a continuous schedule in ms: "30s", "5m", "1h", "1d"; null means 60 s. */
export function coolDownMs(value: string | null): number {
  const match = value === null ? null : /^(\d+)(s|m|h|d)$/.exec(value.trim());
  if (!match) return 60_000;
  return Number(match[1]) * DURATION_UNIT_MS[match[2] as DurationUnit];
}

/** What a value sent without a schedule type probably meant. */
function typeFor(value: string, timezone: string): string {
  if (isIsoTime(value)) return 'to run once at that time, add "type": "once"';
  if (COOL_DOWN.test(value.trim())) return 'for a cool-down between runs, add "type": "continuous"';
  if (cronProblem(value, timezone) === undefined) return 'it reads as a cron expression: add "type": "cron"';
  return 'set it to null or give schedule.type';
}

/** Normalises what is stored: once-times in UTC, cron expressions with single spaces. */
export function normaliseValue(s: ScheduleSettings): string | null {
  if (s.value === null) return null;
  if (s.type === 'once') return new Date(s.value).toISOString();
  if (s.type === 'cron') return s.value.trim().split(/\s+/).join(' ');
  return s.value.trim();
}

/** The next cron match strictly after `after`, in the schedule's zone. */
export function nextCronMatch(expression: string, timezone: string, after: Date): Date | null {
  return cronFor(expression, timezone).nextRun(after);
}

/**
 * nextRun for a mission as it now stands (SPEC §3): null unless pending or running, never after
 * endsAt, never before startsAt for cron and continuous schedules.
 */
export function computeNextRun(m: Pick<Mission, 'status' | 'schedule' | 'startsAt' | 'endsAt'>, now: Date): string | null {
  if (m.status !== 'pending' && m.status !== 'running') return null;
  const s = m.schedule;
  if (runsUsedUp(s)) return null;
  const startsAt = m.startsAt ? new Date(m.startsAt) : null;
  const from = startsAt && startsAt > now ? startsAt : now;
  let next: Date | null = null;
  switch (s.type) {
    case 'none':
      return null;
    case 'once':
      next = s.runCount > 0 ? null : s.value ? new Date(s.value) : from;
      break;
    case 'continuous': {
      // Due now, but not before the cool-down since the last run started has passed.
      const cooled = s.lastRun ? new Date(Date.parse(s.lastRun) + coolDownMs(s.value)) : from;
      next = m.status === 'pending' ? (cooled > from ? cooled : from) : null;
      break;
    }
    case 'cron':
      // croner returns the first match strictly after its argument: step back 1 ms to include startsAt.
      next = s.value ? nextCronMatch(s.value, s.timezone, from === now ? now : new Date(from.getTime() - 1)) : null;
      break;
  }
  if (next && m.endsAt && next > new Date(m.endsAt)) return null;
  return next ? next.toISOString() : null;
}
