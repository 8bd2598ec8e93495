// Field schemas shared by the stored model and the tool inputs. Limits live here so that the
// advertised JSON Schemas carry them (maxLength, maxItems) and an agent can see them.
import { z } from 'zod';

export const LIMITS = {
  title: 200,
  goal: 20_000,
  name: 200,
  text: 2_000,
  url: 2_048,
  id: 128,
  listItems: 50,
  postingTimes: 48,
  postsPerDay: 1000,
  /** A schedule's value as input (a cron expression, a time, a cool-down); stored ones may be longer. */
  scheduleValue: 200,
  maxRuns: 1_000_000,
  counters: 50,
  /** The import log keeps the newest entries within both bounds; older ones are dropped as new ones come. */
  importsKept: 200,
  importsKeptBytes: 64 * 1024,
} as const;

/** Advertising hint (src/json-schema.ts reads it): a string whose format or description already bounds it. */
const lengthImplied = { advertiseWithout: ['maxLength'] };

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Times are stored in UTC as `YYYY-MM-DDTHH:MM:SS.sssZ`: four-digit years only. */
export const EARLIEST_TIME_MS = Date.parse('0000-01-01T00:00:00.000Z');
export const LATEST_TIME_MS = Date.parse('9999-12-31T23:59:59.999Z');

export function inTimeRange(ms: number): boolean {
  return ms >= EARLIEST_TIME_MS && ms <= LATEST_TIME_MS;
}

export function isIsoTime(value: string): boolean {
  return ISO_TIME.test(value) && inTimeRange(Date.parse(value));
}

/** An ISO 8601 time with a zone (`Z` or `+02:00`). Stored and returned in UTC. */
export const IsoTime = z
  .string()
  .max(40)
  .refine(isIsoTime, { message: 'Expected an ISO 8601 time with a zone, such as 2026-12-01T09:00:00Z, in the years 0000–9999 once in UTC' })
  .meta({ format: 'date-time', ...lengthImplied });

const RELATIVE_TIME = /^([+-])(\d{1,6})(s|m|h|d)$/;

/** Milliseconds per unit of the short durations agents write: "30s", "5m", "1h", "2d". */
export const DURATION_UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export type DurationUnit = keyof typeof DURATION_UNIT_MS;

/** A time in a query: an ISO time, "now", or relative to now such as "+1h" or "-30m". */
export const QueryTime = z
  .string()
  .max(40)
  .refine((v) => v === 'now' || RELATIVE_TIME.test(v) || isIsoTime(v), {
    message: 'Expected "now", a time relative to now such as "+1h" or "-30m" (s, m, h, d), or an ISO 8601 time with a zone',
  })
  .meta(lengthImplied);

/** The ISO time a QueryTime names at `now`. */
export function resolveQueryTime(value: string, now: Date): string {
  if (value === 'now') return now.toISOString();
  const rel = RELATIVE_TIME.exec(value);
  if (!rel) return new Date(value).toISOString();
  const unit = DURATION_UNIT_MS[rel[3] as DurationUnit];
  return new Date(now.getTime() + (rel[1] === '-' ? -1 : 1) * Number(rel[2]) * unit).toISOString();
}

const zoneChecks = new Map<string, boolean>();

export function isIanaTimeZone(value: string): boolean {
  // Intl accepts offsets such as "+01:00" too; the spec wants IANA names ("UTC", "Europe/Paris").
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(value)) return false;
  let known = zoneChecks.get(value);
  if (known === undefined) {
    // Building a DateTimeFormat is slow (a tenth of a millisecond): remember the answer.
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      known = true;
    } catch {
      known = false;
    }
    if (zoneChecks.size >= 1000) zoneChecks.clear();
    zoneChecks.set(value, known);
  }
  return known;
}

export const TimeZone = z
  .string()
  .max(64)
  .refine(isIanaTimeZone, { message: 'Expected an IANA time zone name such as "UTC" or "America/New_York"' })
  .meta(lengthImplied);

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

export const HttpUrl = z
  .string()
  .max(LIMITS.url)
  .refine(isHttpUrl, { message: 'Expected an http(s) URL such as https://example.com/offer' })
  .meta({ format: 'uri', ...lengthImplied });

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
const PICTOGRAPH = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;

const emojiChecks = new Map<string, boolean>();

export function isSingleEmoji(value: string): boolean {
  // Segmenting costs microseconds at every create and every check of a stored mission, and missions
  // use few icons: remember the answer.
  let known = emojiChecks.get(value);
  if (known === undefined) {
    let graphemes = 0;
    for (const _ of segmenter.segment(value)) if (++graphemes > 1) break;
    known = graphemes === 1 && PICTOGRAPH.test(value);
    if (emojiChecks.size >= 1000) emojiChecks.clear();
    emojiChecks.set(value, known);
  }
  return known;
}

export const Emoji = z.string().max(32).refine(isSingleEmoji, { message: 'Expected exactly one emoji, such as "📈"' }).meta(lengthImplied);

/** Control characters but tab, newline and carriage return (C0, DEL, C1): invisible, and they break terminals and logs. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
export const stripControls = (s: string): string => s.replace(CONTROL, '');

/** Text with control characters stripped (issue 9), then trimmed; empty after that is rejected where `min` is 1. */
export const text = (max: number, min = 0) => z.string().overwrite(stripControls).trim().min(min).max(max);

/** Advertised without its pattern: every description of an HH:MM field says "HH:MM". */
export const HHMM = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'Expected a 24-hour time HH:MM, such as "09:30"' })
  .meta({ advertiseWithout: ['pattern'] });

export const CounterName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, { message: 'Counter names are letters, digits and _ (start with a letter, at most 64)' });

export const Count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
