// Tool input schemas. createMission and updateMission share one field shape: on update every field
// is optional, nested objects merge, and null clears a nullable field.
import { z } from 'zod';
import { Count, CounterName, Emoji, HHMM, HttpUrl, IsoTime, LIMITS, TimeZone, isIsoTime, text } from './fields.js';
import { COOL_DOWN, cronProblem } from './schedule.js';
import { AgentType, MISSION_ID, ScheduleType, Status, Visibility } from './model.js';

/** Advertising hint (src/json-schema.ts reads it): the description states the limits of the fields inside. */
const limitsSaid = { limitsInDescription: true } as const;

const opt = <T extends z.ZodType>(schema: T) => schema.optional();
const clearable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

export const Mode = z.enum(['full', 'compact']);
export type Mode = z.infer<typeof Mode>;
export const ModeInput = opt(Mode).describe('compact: fewer tokens');

export const MissionId = z
  .string()
  .regex(MISSION_ID, { message: 'Expected a mission id like "msn_…" as returned by createMission or listMissions' })
  .describe('mission id, msn_…')
  .meta({ advertiseWithout: ['pattern'] });

export const ScheduleInput = z
  .strictObject({
    type: opt(ScheduleType).describe('default none'),
    value: clearable(z.string().max(200)).describe('cron: "min hour day month weekday", e.g. "0 9 * * 1-5"; once: ISO time, omit for now; continuous: cool-down e.g. "5m"'),
    timezone: opt(TimeZone).describe('IANA zone of the cron, default UTC'),
    maxRuns: clearable(z.number().int().min(1).max(1_000_000)).describe('completes after this many runs'),
  })
  .superRefine((s, ctx) => {
    // Checked here too (not only after merging in build.ts) so that one call reports a bad cron
    // expression together with every other problem. A value without a type is judged as cron
    // unless it is an ISO time; the merged check in build.ts has the last word.
    if (typeof s.value !== 'string' || !(s.type === 'cron' || (s.type === undefined && !isIsoTime(s.value) && !COOL_DOWN.test(s.value.trim())))) return;
    const problem = cronProblem(s.value, s.timezone ?? 'UTC');
    if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: `"${s.value}": ${problem}` });
  });

export const OfferInput = z
  .strictObject({
    id: clearable(text(LIMITS.id)).describe('your offer id'),
    name: opt(text(LIMITS.name, 1)).describe('required for a new offer'),
    summary: clearable(text(LIMITS.text)).describe('summary'),
    landingPageUrl: clearable(HttpUrl).describe('landing page'),
  });

export const BriefInput = z
  .strictObject({
    targetAudience: clearable(text(LIMITS.text)).describe('who to reach'),
    desiredAction: clearable(text(LIMITS.text)).describe('what they should do'),
    ctaUrl: clearable(HttpUrl).describe('call-to-action URL'),
    toneInstructions: clearable(text(LIMITS.text)).describe('voice and tone'),
    exampleMessages: opt(z.array(text(LIMITS.text, 1)).max(LIMITS.listItems)).describe('sample messages'),
    offer: clearable(OfferInput).describe('linked offer'),
  });

export const ConstraintsInput = z
  .strictObject({
    tone: clearable(text(LIMITS.name)).describe('tone of voice'),
    cadence: clearable(text(LIMITS.name)).describe('e.g. "daily"'),
    postsPerDay: clearable(z.number().int().min(0).max(1000)).describe('posts per day'),
    postingTimes: opt(z.array(HHMM).max(48)).describe('"HH:MM" times'),
    timezone: clearable(TimeZone).describe('IANA zone of postingTimes'),
    requireApproval: clearable(z.boolean()).describe('a human approves posts'),
    budgetCents: clearable(Count).describe('budget, cents'),
    excludedTopics: opt(z.array(text(LIMITS.name, 1)).max(LIMITS.listItems)).describe('topics to avoid'),
  });

export const KpiInput = z.strictObject({
  metric: text(LIMITS.name, 1).describe('what is measured'),
  target: clearable(z.number()).describe('target'),
  platform: clearable(text(LIMITS.name)).describe('platform'),
  current: clearable(z.number()).describe('latest value'),
});

export const PlanInput = z
  .strictObject({
    objectives: opt(z.array(text(LIMITS.text, 1)).max(LIMITS.listItems)).describe('objectives'),
    platforms: opt(z.array(text(LIMITS.name, 1)).max(LIMITS.listItems)).describe('e.g. ["linkedin","x"]'),
    constraints: opt(ConstraintsInput).describe('content rules'),
    kpis: opt(z.array(KpiInput).max(LIMITS.listItems)).describe('KPIs'),
  });

// Advertised without the name pattern; each tool's description of stats says what names may be.
export const StatsInput = z.record(CounterName, Count.nullable()).meta({ advertiseWithout: ['propertyNames'] });

// Increments may be negative (a correction); a counter may not go below 0.
export const AddStatsInput = z
  .record(CounterName, z.number().int().min(-1_000_000_000).max(1_000_000_000))
  .meta({ advertiseWithout: ['propertyNames', 'additionalProperties'] });

export const ImportInput = z
  .strictObject({
    importId: opt(text(LIMITS.id, 1)).describe('unique; generated if omitted'),
    type: text(LIMITS.name, 1).describe('e.g. "csv", "crm"'),
    name: clearable(text(LIMITS.name)).describe('label'),
    date: opt(IsoTime).describe('default now'),
    count: opt(Count).describe('records in the source'),
    createdCount: opt(Count).describe('leads created'),
    skippedCount: opt(Count).describe('skipped'),
    invalidCount: opt(Count).describe('rejected'),
    sourceUrl: clearable(HttpUrl).describe('source URL'),
    context: clearable(text(LIMITS.text)).describe('notes'),
  });

// The fields both tools take, undescribed: each tool describes them for its own use.
const field = {
  icon: opt(Emoji),
  spaceId: clearable(text(LIMITS.id, 1)),
  characterId: clearable(text(LIMITS.id, 1)),
  agentType: opt(AgentType),
  visibility: opt(Visibility),
  startsAt: clearable(IsoTime),
  endsAt: clearable(IsoTime),
  durationDays: opt(z.number().positive().max(3650)),
};

// createMission is where the fields of schedule, brief and plan are listed for both tools.
export const CreateMissionInput = z.strictObject({
  title: text(LIMITS.title, 1).describe('short title'),
  goal: text(LIMITS.goal, 1).describe('instructions the agent follows'),
  status: opt(z.enum(['pending', 'paused'])).describe('default pending'),
  icon: field.icon.describe('one emoji, default 🎯'),
  spaceId: field.spaceId.describe('space it runs in'),
  characterId: field.characterId.describe('agent that runs it'),
  agentType: field.agentType.describe('default claude'),
  visibility: field.visibility.describe('default private: owner only'),
  schedule: opt(ScheduleInput).describe('when it runs'),
  brief: opt(BriefInput.describe('outreach brief (SalesTouch); texts ≤2000 chars, offer.id ≤128, offer.name ≤200; ≤50 non-empty examples').meta(limitsSaid)),
  plan: opt(PlanInput.describe('content plan (AMP); objectives ≤2000 chars, other texts ≤200, none empty; lists ≤50 items, postingTimes ≤48; postsPerDay 0–1000, budgetCents ≥0; KPI numbers any').meta(limitsSaid)),
  startsAt: field.startsAt.describe('window start'),
  endsAt: field.endsAt.describe('window end; or durationDays'),
  durationDays: field.durationDays.describe('sets endsAt = startsAt (default now) + days'),
  stats: opt(StatsInput).describe('counters (names: letters, digits, _), e.g. {"leads":12}'),
  mode: ModeInput,
});
export type CreateMissionInput = z.infer<typeof CreateMissionInput>;

/** updateMission points at createMission for the fields of its nested objects. */
const sameAsCreate = <T extends z.ZodType>(schema: T, name: string) =>
  opt(schema.describe(`createMission's ${name} fields; merges`).meta({ advertiseWithout: ['properties', 'required', 'additionalProperties'] }));

// The limits of updateMission's fields are those of createMission; its description says so.
export const UpdateMissionInput = z
  .strictObject({
    id: MissionId,
    title: opt(text(LIMITS.title, 1)).describe('new title'),
    goal: opt(text(LIMITS.goal, 1)).describe('new instructions'),
    status: opt(Status).describe('new status'),
    icon: field.icon.describe('one emoji'),
    spaceId: field.spaceId.describe('null unbinds'),
    characterId: field.characterId.describe('null unbinds'),
    agentType: field.agentType.describe('agent runtime'),
    visibility: field.visibility.describe('who sees it'),
    schedule: sameAsCreate(ScheduleInput, 'schedule'),
    brief: sameAsCreate(BriefInput, 'brief'),
    plan: sameAsCreate(PlanInput, 'plan'),
    startsAt: field.startsAt.describe('window start'),
    endsAt: field.endsAt.describe('window end'),
    durationDays: field.durationDays.describe('sets endsAt = startsAt (or now) + days'),
    stats: clearable(StatsInput).describe('counters to set; null (all, or one counter) resets leads/contacted/replied to 0, removes others'),
    addStats: opt(AddStatsInput).describe('add to counters atomically, e.g. {"leads":5}; use it to count'),
    addImports: opt(
      z.array(ImportInput).min(1).max(LIMITS.listItems).describe('1–50 entries to append to the import log, which keeps the newest 200 (64 KB); importId ≤128 chars, context ≤2000, other texts ≤200; counts ≥0'),
    ),
    mode: ModeInput,
  })
  .meta(limitsSaid);
export type UpdateMissionInput = z.infer<typeof UpdateMissionInput>;
/** The fields of an update that change the mission (everything but id and mode). */
export type MissionPatch = Omit<UpdateMissionInput, 'id' | 'mode'>;
