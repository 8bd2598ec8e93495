// Schedules for people: the rule in words in the mission's own time zone (cronstrue), times in the
// viewer's time zone, and the runs of the coming days (croner, the server's own cron library).
import { Cron } from 'croner';
import cronstrue from 'cronstrue';
import type { Mission, Schedule } from './api';

const DAY_MS = 24 * 3600 * 1000;

/** "At 09:00, Monday through Friday, Europe/Paris" and the like. */
export function scheduleInWords(s: Schedule): string {
  switch (s.type) {
    case 'cron':
      try {
        return `${cronstrue.toString(s.value ?? '', { use24HourTimeFormat: true })}, ${s.timezone}`;
      } catch {
        return `cron ${s.value}, ${s.timezone}`;
      }
    case 'once':
      return s.value ? `Once, ${formatInZone(s.value, s.timezone)}, ${s.timezone}` : 'Once, as soon as possible';
    case 'continuous':
      return s.value ? `Continuously, ${s.value} between runs` : 'Continuously';
    default:
      return 'Not scheduled';
  }
}

function formatInZone(iso: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
  } catch {
    return iso;
  }
}

const viewerFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'short' });

/** A time in the viewer's zone, e.g. "Mon 2 Mar, 09:00"; "—" for none. */
export const when = (iso: string | null): string => (iso ? viewerFormat.format(new Date(iso)) : '—');
export const timeOfDay = (d: Date) => timeFormat.format(d);
export const dayName = (d: Date) => dayFormat.format(d);

/** "in 3 h", "5 min ago". */
export function relative(iso: string | null, now: number): string {
  if (!iso) return '';
  const diff = new Date(iso).getTime() - now;
  const abs = Math.abs(diff);
  const [n, unit] = abs < 60_000 ? [Math.round(abs / 1000), 's'] : abs < 3_600_000 ? [Math.round(abs / 60_000), 'min'] : abs < DAY_MS ? [Math.round(abs / 3_600_000), 'h'] : [Math.round(abs / DAY_MS), 'd'];
  return diff >= 0 ? `in ${n} ${unit}` : `${n} ${unit} ago`;
}

export interface Slot {
  at: Date;
  mission: Mission;
}

/** The runs a mission will have in [from, to): cron occurrences in its time zone, or its one nextRun. */
export function runsBetween(mission: Mission, from: Date, to: Date, max = 200): Date[] {
  const s = mission.schedule;
  if (!s.nextRun) return [];
  const next = new Date(s.nextRun);
  if (s.type !== 'cron' || !s.value) return next < to ? [next < from ? from : next] : [];
  const end = mission.endsAt && new Date(mission.endsAt) < to ? new Date(mission.endsAt) : to;
  const out: Date[] = [];
  if (next < from) out.push(from); // overdue: due now
  try {
    const cron = new Cron(s.value, { timezone: s.timezone, paused: true });
    let at: Date | null = cron.nextRun(new Date(Math.max(from.getTime(), next.getTime()) - 1));
    let left = s.maxRuns === null ? Infinity : s.maxRuns - s.runCount;
    while (at && at < end && out.length < max && left-- > 0) {
      out.push(at);
      at = cron.nextRun(at);
    }
  } catch {
    if (next < to) out.push(next);
  }
  return out;
}

/** More runs than this in the window (hourly for a week) and a mission is "frequent": listed apart. */
export const FREQUENT = 7 * 24;

export interface Timeline {
  days: { day: Date; slots: Slot[] }[];
  /** Missions that run all the time (continuous) or more often than hourly: a lane of their own. */
  frequent: Mission[];
}

/** The coming `days` days from the viewer's midnight, each with its runs in time order. */
export function timeline(missions: readonly Mission[], now: Date, days = 7): Timeline {
  const start = new Date(now);
  start.setHours(0, 0, 0, 0);
  const result = Array.from({ length: days }, (_, i) => {
    const day = new Date(start);
    day.setDate(start.getDate() + i);
    return { day, slots: [] as Slot[] };
  });
  const end = new Date(result[days - 1]!.day);
  end.setDate(end.getDate() + 1);
  const frequent: Mission[] = [];
  for (const mission of missions) {
    const runs = mission.schedule.type === 'continuous' ? [] : runsBetween(mission, now, end, FREQUENT + 1);
    if (mission.schedule.type === 'continuous' || runs.length > FREQUENT) {
      frequent.push(mission);
      continue;
    }
    for (const at of runs) {
      const index = result.findIndex((d, i) => at >= d.day && (i === days - 1 || at < result[i + 1]!.day));
      if (index >= 0) result[index]!.slots.push({ at, mission });
    }
  }
  for (const d of result) d.slots.sort((a, b) => a.at.getTime() - b.at.getTime());
  return { days: result, frequent };
}
