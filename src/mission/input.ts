// Tool input schemas. createMission and updateMission share one field shape: on update every field
// is optional, nested objects merge, and null clears a nullable field.
import { z } from 'zod';
import { Count, CounterName, Emoji, LIMITS, isIsoTime, text } from './fields.js';
import { COOL_DOWN, cronProblem } from './schedule.js';
import { Brief, Constraints, DEFAULTS, ImportEntry, Kpi, MISSION_ID, Mission, Offer, Plan, Schedule, Status } from './model.js';

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

/**
 * The input form of a model object: every field optional, a field the model lets be null clearable
 * with null, unknown fields rejected by name. Descriptions and limits are the model's; a field whose
 * input is tighter than the model (the model keeps loading every mission stored before) or whose
 * input is another object's input form replaces it with `.extend()`.
 */
export const inputForm = <S extends z.ZodRawShape>(model: z.ZodObject<S>) => model.partial().strict();

export const ScheduleInput = inputForm(Schedule.pick({ type: true, value: true, timezone: true, maxRuns: true }))
  .extend({
    value: Schedule.shape.value
      .unwrap()
      .max(LIMITS.scheduleValue)
      .nullable()
      .optional()
      .describe('cron: "min hour day month weekday", e.g. "0 9 * * 1-5"; once: ISO time, omit for now; continuous: cool-down e.g. "5m"'),
    maxRuns: Schedule.shape.maxRuns.unwrap().max(LIMITS.maxRuns).nullable().optional().describe(Schedule.shape.maxRuns.description!),
  })
  .superRefine((s, ctx) => {
    // Checked here too (not only after merging in build.ts) so that one call reports a bad cron
    // expression together with every other problem. A value without a type is judged as cron
    // unless it is an ISO time; the merged check in build.ts has the last word.
    if (typeof s.value !== 'string' || !(s.type === 'cron' || (s.type === undefined && !isIsoTime(s.value) && !COOL_DOWN.test(s.value.trim())))) return;
    const problem = cronProblem(s.value, s.timezone ?? DEFAULTS.timezone);
    if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: `"${s.value}": ${problem}` });
  });

export const OfferInput = inputForm(Offer).extend({
  name: Offer.shape.name.optional().describe('required for a new offer'),
});

// Empty sample messages and topics are refused as input; the model still loads stored ones.
const nonEmptyList = (max: number, length: number) => z.array(text(length, 1)).max(max).optional();

export const BriefInput = inputForm(Brief).extend({
  exampleMessages: nonEmptyList(LIMITS.listItems, LIMITS.text).describe(Brief.shape.exampleMessages.description!),
  offer: OfferInput.nullable().optional().describe(Brief.shape.offer.description!),
});

export const ConstraintsInput = inputForm(Constraints).extend({
  excludedTopics: nonEmptyList(LIMITS.listItems, LIMITS.name).describe(Constraints.shape.excludedTopics.description!),
});

/** A KPI is given whole (kpis replaces the list): its metric stays required. */
export const KpiInput = inputForm(Kpi).extend({ metric: Kpi.shape.metric });

export const PlanInput = inputForm(Plan).extend({
  constraints: ConstraintsInput.optional().describe(Plan.shape.constraints.description!),
  kpis: z.array(KpiInput).max(LIMITS.listItems).optional().describe(Plan.shape.kpis.description!),
});

// Advertised without the name pattern; each tool's description of stats says what names may be.
export const StatsInput = z.record(CounterName, Count.nullable()).meta({ advertiseWithout: ['propertyNames'] });

// Increments may be negative (a correction); a counter may not go below 0.
export const AddStatsInput = z
  .record(CounterName, z.number().int().min(-1_000_000_000).max(1_000_000_000))
  .meta({ advertiseWithout: ['propertyNames', 'additionalProperties'] });

/** An entry for the import log: its type is required, the rest has defaults (build.ts). */
export const ImportInput = inputForm(ImportEntry).extend({ type: ImportEntry.shape.type });

// The fields both tools take, undescribed: each tool describes them for its own use.
// The model takes any string for icon, spaceId and characterId (missions stored before); input is tighter.
const field = {
  ...inputForm(Mission.pick({ title: true, goal: true, agentType: true, visibility: true, startsAt: true, endsAt: true })).shape,
  icon: opt(Emoji),
  spaceId: clearable(text(LIMITS.id, 1)),
  characterId: clearable(text(LIMITS.id, 1)),
  durationDays: opt(z.number().positive().max(3650)),
};

// createMission is where the fields of schedule, brief and plan are listed for both tools.
export const CreateMissionInput = z.strictObject({
  title: Mission.shape.title,
  goal: Mission.shape.goal,
  status: opt(z.enum(['pending', 'paused'])).describe(`default ${DEFAULTS.status}`),
  icon: field.icon.describe(`one emoji, default ${DEFAULTS.icon}`),
  spaceId: field.spaceId.describe('space it runs in'),
  characterId: field.characterId.describe('agent that runs it'),
  agentType: field.agentType.describe(`default ${DEFAULTS.agentType}`),
  visibility: field.visibility.describe(`default ${DEFAULTS.visibility}: owner only`),
  schedule: opt(ScheduleInput).describe('when it runs'),
  brief: opt(
    BriefInput.describe(
      `outreach brief (SalesTouch); texts ≤${LIMITS.text} chars, offer.id ≤${LIMITS.id}, offer.name ≤${LIMITS.name}; ≤${LIMITS.listItems} non-empty examples`,
    ).meta(limitsSaid),
  ),
  plan: opt(
    PlanInput.describe(
      `content plan (AMP); objectives ≤${LIMITS.text} chars, other texts ≤${LIMITS.name}; lists ≤${LIMITS.listItems} items, none empty, postingTimes ≤${LIMITS.postingTimes}; postsPerDay 0–${LIMITS.postsPerDay}, budgetCents ≥0; KPI numbers any`,
    ).meta(limitsSaid),
  ),
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
    title: field.title.describe('new title'),
    goal: field.goal.describe('new instructions'),
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
      z
        .array(ImportInput)
        .min(1)
        .max(LIMITS.listItems)
        .describe(
          `1–${LIMITS.listItems} entries to append to the import log, which keeps the newest ${LIMITS.importsKept} (${LIMITS.importsKeptBytes / 1024} KB); importId ≤${LIMITS.id} chars, context ≤${LIMITS.text}, other texts ≤${LIMITS.name}; counts ≥0`,
        ),
    ),
    mode: ModeInput,
  })
  .meta(limitsSaid);
export type UpdateMissionInput = z.infer<typeof UpdateMissionInput>;
/** The fields of an update that change the mission (everything but id and mode). */
export type MissionPatch = Omit<UpdateMissionInput, 'id' | 'mode'>;
