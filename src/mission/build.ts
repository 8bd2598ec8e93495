// Building and changing missions: pure functions from (mission, input, context) to a new mission.
// Cross-field rules that a schema cannot express live here and report every problem at once.
import { invalidRequest, type Issue } from '../errors.js';
import { LIMITS, inTimeRange } from './fields.js';
import type { CreateMissionInput, MissionPatch } from './input.js';
import { changeStatus } from './lifecycle.js';
import {
  STANDARD_COUNTERS,
  blankMission,
  emptyImport,
  emptyKpi,
  emptyOffer,
  emptyStats,
  type Brief,
  type ImportEntry,
  type Mission,
  type Origin,
  type Owner,
  type Plan,
  type Schedule,
  type Stats,
} from './model.js';
import { computeNextRun, normaliseValue, runsUsedUp, scheduleIssues } from './schedule.js';

export interface BuildContext {
  now: Date;
  /** A fresh id for an import entry that came without one. */
  newImportId: () => string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** undefined keeps, null clears, a value replaces. */
function pick<T>(patch: T | null | undefined, current: T | null): T | null {
  return patch === undefined ? current : patch;
}

function omitUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function mergeSchedule(current: Schedule, patch: MissionPatch['schedule'], issues: Issue[]): Schedule {
  if (patch === undefined) return current;
  const typeChanged = patch.type !== undefined && patch.type !== current.type;
  const settings = {
    type: patch.type ?? current.type,
    // A new type does not inherit the old type's value ("cron" → "continuous" drops the expression).
    value: patch.value !== undefined ? patch.value : typeChanged ? null : current.value,
    timezone: patch.timezone ?? current.timezone,
    maxRuns: patch.maxRuns !== undefined ? patch.maxRuns : current.maxRuns,
  };
  const problems = scheduleIssues(settings);
  issues.push(...problems);
  if (problems.length > 0) return current;
  return { ...current, ...settings, value: normaliseValue(settings) };
}

function mergeBrief(current: Brief, patch: MissionPatch['brief'], issues: Issue[]): Brief {
  if (patch === undefined) return current;
  const { offer: offerPatch, ...rest } = patch;
  const next: Brief = { ...current, ...omitUndefined(rest) };
  if (offerPatch === null) next.offer = null;
  else if (offerPatch !== undefined) {
    const base = current.offer ?? emptyOffer();
    const offer = { ...base, ...omitUndefined(offerPatch) };
    if (!offer.name) issues.push({ path: 'brief.offer.name', message: 'Required: a new offer needs a name' });
    next.offer = offer;
  }
  return next;
}

function mergePlan(current: Plan, patch: MissionPatch['plan']): Plan {
  if (patch === undefined) return current;
  const next: Plan = { ...current };
  if (patch.objectives !== undefined) next.objectives = patch.objectives;
  if (patch.platforms !== undefined) next.platforms = patch.platforms;
  if (patch.constraints !== undefined) next.constraints = { ...current.constraints, ...omitUndefined(patch.constraints) };
  if (patch.kpis !== undefined) {
    next.kpis = patch.kpis.map((k) => ({ ...emptyKpi(k.metric), ...omitUndefined(k) }));
  }
  return next;
}

function mergeStats(current: Stats, patch: MissionPatch['stats'], add: MissionPatch['addStats'], issues: Issue[]): Stats {
  if (patch === undefined && add === undefined) return current;
  const next: Stats = patch === null ? emptyStats() : { ...current };
  for (const [name, value] of Object.entries(patch ?? {})) {
    if (value !== null) next[name] = value;
    else if ((STANDARD_COUNTERS as readonly string[]).includes(name)) next[name] = 0;
    else delete next[name];
  }
  // Increments apply to the stored value, under the store's lock: two agents counting never lose one.
  for (const [name, delta] of Object.entries(add ?? {})) {
    const sum = (next[name] ?? 0) + delta;
    if (sum < 0) issues.push({ path: `addStats.${name}`, message: `would make ${name} negative (${next[name] ?? 0} + ${delta}); counters are ≥ 0` });
    else if (!Number.isSafeInteger(sum)) issues.push({ path: `addStats.${name}`, message: `would make ${name} larger than ${Number.MAX_SAFE_INTEGER}` });
    else next[name] = sum;
  }
  if (Object.keys(next).length > LIMITS.counters) {
    issues.push({ path: 'stats', message: `at most ${LIMITS.counters} counters; remove some with null` });
  }
  return next;
}

function applyWindow(m: Mission, patch: MissionPatch, now: Date, issues: Issue[]): Pick<Mission, 'startsAt' | 'endsAt'> {
  const toIso = (v: string | null) => (v === null ? null : new Date(v).toISOString());
  let startsAt = patch.startsAt !== undefined ? toIso(patch.startsAt) : m.startsAt;
  let endsAt = patch.endsAt !== undefined ? toIso(patch.endsAt) : m.endsAt;
  if (patch.durationDays !== undefined) {
    if (patch.endsAt !== undefined) {
      issues.push({ path: 'durationDays', message: 'give either endsAt or durationDays, not both' });
    } else {
      startsAt ??= now.toISOString();
      const ends = Date.parse(startsAt) + patch.durationDays * DAY_MS;
      if (!inTimeRange(ends)) {
        issues.push({ path: 'durationDays', message: `startsAt (${startsAt}) + ${patch.durationDays} days ends after the year 9999; give fewer days` });
        return { startsAt, endsAt };
      }
      endsAt = new Date(ends).toISOString();
    }
  }
  if (startsAt && endsAt && Date.parse(endsAt) <= Date.parse(startsAt)) {
    const path = patch.endsAt !== undefined ? 'endsAt' : patch.durationDays !== undefined ? 'durationDays' : 'startsAt';
    issues.push({ path, message: `endsAt (${endsAt}) must be after startsAt (${startsAt})` });
  }
  return { startsAt, endsAt };
}

function toImportEntries(inputs: NonNullable<MissionPatch['addImports']>, ctx: BuildContext): ImportEntry[] {
  return inputs.map((i) => ({
    ...emptyImport({ importId: i.importId ?? ctx.newImportId(), type: i.type, date: ctx.now.toISOString() }),
    ...omitUndefined(i),
    ...(i.date && { date: new Date(i.date).toISOString() }),
  }));
}

/**
 * The import log, bounded (issue 9: 300 addImports of 50 grew one mission to 69 MB): the newest
 * LIMITS.importsKept entries within LIMITS.importsKeptBytes of JSON; the oldest go first.
 */
export function newestImports(log: ImportEntry[]): ImportEntry[] {
  let start = Math.max(0, log.length - LIMITS.importsKept);
  let bytes = 0;
  for (let i = log.length - 1; i >= start; i--) {
    bytes += Buffer.byteLength(JSON.stringify(log[i]), 'utf8') + 1;
    if (bytes > LIMITS.importsKeptBytes) {
      start = i + 1;
      break;
    }
  }
  return start === 0 ? log : log.slice(start);
}

/** Applies the non-status fields of a patch; collects problems in `issues`. */
function applyFields(m: Mission, patch: MissionPatch, ctx: BuildContext, issues: Issue[]): Mission {
  const next: Mission = {
    ...m,
    title: patch.title ?? m.title,
    goal: patch.goal ?? m.goal,
    icon: patch.icon ?? m.icon,
    spaceId: pick(patch.spaceId, m.spaceId),
    characterId: pick(patch.characterId, m.characterId),
    agentType: patch.agentType ?? m.agentType,
    visibility: patch.visibility ?? m.visibility,
    schedule: mergeSchedule(m.schedule, patch.schedule, issues),
    brief: mergeBrief(m.brief, patch.brief, issues),
    plan: mergePlan(m.plan, patch.plan),
    ...applyWindow(m, patch, ctx.now, issues),
    stats: mergeStats(m.stats, patch.stats, patch.addStats, issues),
    imports: m.imports,
  };
  if (patch.addImports) {
    const added = toImportEntries(patch.addImports, ctx);
    const seen = new Set(m.imports.map((i) => i.importId));
    added.forEach((entry, index) => {
      if (seen.has(entry.importId)) {
        issues.push({ path: `addImports.${index}.importId`, message: `import "${entry.importId}" is already in the log; imports are append-only` });
      }
      seen.add(entry.importId);
    });
    next.imports = newestImports([...m.imports, ...added]);
  }
  return next;
}

function timingChanged(a: Mission, b: Mission): boolean {
  return (
    a.schedule.type !== b.schedule.type ||
    a.schedule.value !== b.schedule.value ||
    a.schedule.timezone !== b.schedule.timezone ||
    a.schedule.maxRuns !== b.schedule.maxRuns ||
    a.startsAt !== b.startsAt ||
    a.endsAt !== b.endsAt
  );
}

/** A new mission from createMission's input. Throws invalid_request listing every problem. */
export function newMission(input: CreateMissionInput, ctx: BuildContext & { id: string; owner: Owner; origin?: Origin | null }): Mission {
  const blank = blankMission({ id: ctx.id, title: input.title, goal: input.goal, owner: ctx.owner, origin: ctx.origin ?? null, createdAt: ctx.now.toISOString() });
  const issues: Issue[] = [];
  const { status, mode: _mode, ...patch } = input;
  let m = applyFields(blank, patch, ctx, issues);
  if (issues.length > 0) throw invalidRequest(issues, 'arguments for createMission');
  m = { ...m, schedule: { ...m.schedule, nextRun: computeNextRun(m, ctx.now) } };
  return status === 'paused' ? changeStatus(m, 'paused', ctx.now) : m;
}

/**
 * updateMission's change: fields first, then the status change (so "resume with a new schedule"
 * computes nextRun from the new schedule). Returns the mission unchanged if nothing changed.
 */
export function updateMission(m: Mission, patch: MissionPatch, ctx: BuildContext): Mission {
  const issues: Issue[] = [];
  const { status, ...fields } = patch;
  let next = applyFields(m, fields, ctx, issues);
  if (issues.length > 0) throw invalidRequest(issues, 'arguments for updateMission');
  if (status !== undefined && status !== m.status) {
    next = changeStatus(next, status, ctx.now);
  } else if (timingChanged(m, next)) {
    next = { ...next, schedule: { ...next.schedule, nextRun: computeNextRun(next, ctx.now) } };
    const s = next.schedule;
    if (next.status === 'pending' && runsUsedUp(s)) next = changeStatus(next, 'completed', ctx.now);
  }
  // A queued manual run or retry belongs to the nextRun it was queued for: a new status or timing drops it.
  if (next.queuedRun && (next.status !== 'pending' || next.schedule.nextRun !== m.schedule.nextRun)) next = { ...next, queuedRun: null };
  return next;
}

/** The top-level fields whose values differ (updatedAt aside). */
export function changedFields(before: Mission, after: Mission): string[] {
  return (Object.keys(after) as (keyof Mission)[]).filter(
    (k) => k !== 'updatedAt' && JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
}
