// Tool input schemas. createMission and updateMission share one field shape: on update every field
// is optional, nested objects merge, and null clears a nullable field.
import { z } from 'zod';
import { Count, CounterName, Emoji, HHMM, HttpUrl, IsoTime, LIMITS, TimeZone, isIsoTime, text } from './fields.js';
import { cronProblem } from './schedule.js';
import { AgentType, MISSION_ID, ScheduleType, Status, Visibility } from './model.js';

const opt = <T extends z.ZodType>(schema: T) => schema.optional();
const clearable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

export const Mode = z.enum(['full', 'compact']);
export type Mode = z.infer<typeof Mode>;
export const ModeInput = opt(Mode).describe(
  'full: every field. compact: only set fields, goal cut short, brief/plan/imports as a note (far fewer tokens). Default: the server setting',
);

export const MissionId = z
  .string()
  .regex(MISSION_ID, { message: 'Expected a mission id like "msn_…" as returned by createMission or listMissions' })
  .describe('mission id (msn_…)');

export const ScheduleInput = z
  .strictObject({
    type: opt(ScheduleType).describe('none (default), once, cron or continuous'),
    value: clearable(z.string().max(200)).describe(
      'cron: 5 fields "min hour day month weekday" (e.g. "0 9 * * 1-5"); once: ISO time, omit for as soon as possible; else null',
    ),
    timezone: opt(TimeZone).describe('IANA zone for cron, e.g. "Europe/Paris"; default UTC'),
    maxRuns: clearable(z.number().int().min(1).max(1_000_000)).describe('complete after this many runs; null = unlimited'),
  })
  .superRefine((s, ctx) => {
    // Checked here too (not only after merging in build.ts) so that one call reports a bad cron
    // expression together with every other problem. A value without a type is judged as cron
    // unless it is an ISO time; the merged check in build.ts has the last word.
    if (typeof s.value !== 'string' || !(s.type === 'cron' || (s.type === undefined && !isIsoTime(s.value)))) return;
    const problem = cronProblem(s.value, s.timezone ?? 'UTC');
    if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: `"${s.value}": ${problem}` });
  });

export const OfferInput = z
  .strictObject({
    id: clearable(text(LIMITS.id)).describe('offer id in your system'),
    name: opt(text(LIMITS.name, 1)).describe('offer name (required for a new offer)'),
    summary: clearable(text(LIMITS.text)).describe('short summary'),
    landingPageUrl: clearable(HttpUrl).describe('http(s) landing page'),
  });

export const BriefInput = z
  .strictObject({
    targetAudience: clearable(text(LIMITS.text)).describe('who to reach'),
    desiredAction: clearable(text(LIMITS.text)).describe('what they should do'),
    ctaUrl: clearable(HttpUrl).describe('http(s) call-to-action URL'),
    toneInstructions: clearable(text(LIMITS.text)).describe('voice and tone'),
    exampleMessages: opt(z.array(text(LIMITS.text, 1)).max(LIMITS.listItems)).describe('sample messages (replaces the list)'),
    offer: clearable(OfferInput).describe('linked offer; merges; null unlinks'),
  });

export const ConstraintsInput = z
  .strictObject({
    tone: clearable(text(LIMITS.name)).describe('tone of voice'),
    cadence: clearable(text(LIMITS.name)).describe('e.g. "daily"'),
    postsPerDay: clearable(z.number().int().min(0).max(1000)).describe('posts per day'),
    postingTimes: opt(z.array(HHMM).max(48)).describe('times as HH:MM'),
    timezone: clearable(TimeZone).describe('IANA zone for postingTimes'),
    requireApproval: clearable(z.boolean()).describe('human approval before posting'),
    budgetCents: clearable(Count).describe('budget in cents'),
    excludedTopics: opt(z.array(text(LIMITS.name, 1)).max(LIMITS.listItems)).describe('topics to avoid'),
  });

export const KpiInput = z.strictObject({
  metric: text(LIMITS.name, 1).describe('what is measured'),
  target: clearable(z.number()).describe('target value'),
  platform: clearable(text(LIMITS.name)).describe('platform'),
  current: clearable(z.number()).describe('latest value'),
});

export const PlanInput = z
  .strictObject({
    objectives: opt(z.array(text(LIMITS.text, 1)).max(LIMITS.listItems)).describe('objectives (replaces the list)'),
    platforms: opt(z.array(text(LIMITS.name, 1)).max(LIMITS.listItems)).describe('e.g. ["linkedin","x"]'),
    constraints: opt(ConstraintsInput).describe('content constraints; merge field by field'),
    kpis: opt(z.array(KpiInput.describe('one KPI')).max(LIMITS.listItems)).describe('KPIs (replaces the list)'),
  });

export const StatsInput = z
  .record(CounterName, Count.nullable())
  .describe('counters to set, e.g. {"leads":12}; null resets leads/contacted/replied to 0 and removes others');

export const ImportInput = z
  .strictObject({
    importId: opt(text(LIMITS.id, 1)).describe('your id; generated if omitted'),
    type: text(LIMITS.name, 1).describe('e.g. "csv", "crm", "manual"'),
    name: clearable(text(LIMITS.name)).describe('label'),
    date: opt(IsoTime).describe('ISO time; default now'),
    count: opt(Count).describe('records in the source'),
    createdCount: opt(Count).describe('leads created'),
    skippedCount: opt(Count).describe('skipped'),
    invalidCount: opt(Count).describe('rejected'),
    sourceUrl: clearable(HttpUrl).describe('http(s) source'),
    context: clearable(text(LIMITS.text)).describe('notes'),
  })
  .describe('one import');

const fieldShape = {
  icon: opt(Emoji).describe('one emoji; default 🎯'),
  spaceId: clearable(text(LIMITS.id, 1)).describe('space it runs in; null unbinds'),
  characterId: clearable(text(LIMITS.id, 1)).describe('agent that runs it; null unbinds'),
  agentType: opt(AgentType).describe('claude (default), gemini or codex'),
  visibility: opt(Visibility).describe('private (default, owner only), organization or public'),
  schedule: opt(ScheduleInput).describe('when it runs; merges field by field on update'),
  brief: opt(BriefInput).describe('outreach brief (SalesTouch); merges field by field'),
  plan: opt(PlanInput).describe('content plan (AMP); merges field by field'),
  startsAt: clearable(IsoTime).describe('window start (ISO time)'),
  endsAt: clearable(IsoTime).describe('window end (ISO time); or use durationDays'),
  durationDays: opt(z.number().positive().max(3650)).describe('sets endsAt = startsAt (default now) + days'),
  stats: opt(StatsInput),
};

export const CreateMissionInput = z.strictObject({
  title: text(LIMITS.title, 1).describe('short title, 1–200 chars'),
  goal: text(LIMITS.goal, 1).describe('instructions the agent follows, 1–20000 chars'),
  status: opt(z.enum(['pending', 'paused'])).describe('pending (default) or paused'),
  ...fieldShape,
  mode: ModeInput,
});
export type CreateMissionInput = z.infer<typeof CreateMissionInput>;

export const UpdateMissionInput = z.strictObject({
  id: MissionId,
  title: opt(text(LIMITS.title, 1)).describe('new title'),
  goal: opt(text(LIMITS.goal, 1)).describe('new instructions'),
  status: opt(Status).describe(
    'new status: running starts a run, pending ends it (or resumes), paused, completed, failed, archived',
  ),
  ...fieldShape,
  addImports: opt(z.array(ImportInput).min(1).max(LIMITS.listItems)).describe('imports to append to the log'),
  mode: ModeInput,
});
export type UpdateMissionInput = z.infer<typeof UpdateMissionInput>;
/** The fields of an update that change the mission (everything but id and mode). */
export type MissionPatch = Omit<UpdateMissionInput, 'id' | 'mode'>;
