// The stored mission (SPEC §2). This schema is also the `full` output schema: every field present,
// unset values null / [] / {}. The tool inputs are derived from it (input.ts): its descriptions are the
// ones agents read, and it is never made stricter than before, so that every stored mission still loads.
import { z } from 'zod';
import { Count, CounterName, HHMM, HttpUrl, IsoTime, LIMITS, TimeZone, text } from './fields.js';

import { STATUSES } from './statuses.js';

export { STATUSES };
export const AGENT_TYPES = ['claude', 'gemini', 'codex'] as const;
export const VISIBILITIES = ['private', 'organization', 'public'] as const;
export const SCHEDULE_TYPES = ['none', 'once', 'cron', 'continuous'] as const;

export const Status = z.enum(STATUSES);
export const AgentType = z.enum(AGENT_TYPES);
export const Visibility = z.enum(VISIBILITIES);
export const ScheduleType = z.enum(SCHEDULE_TYPES);

export type Status = z.infer<typeof Status>;
export type AgentType = z.infer<typeof AgentType>;
export type Visibility = z.infer<typeof Visibility>;
export type ScheduleType = z.infer<typeof ScheduleType>;

/** What a new mission holds until told otherwise (blankMission); compact output leaves out what still equals it. */
export const DEFAULTS = {
  icon: '🎯',
  status: 'pending',
  agentType: 'claude',
  visibility: 'private',
  scheduleType: 'none',
  timezone: 'UTC',
} as const satisfies { status: Status; agentType: AgentType; visibility: Visibility; scheduleType: ScheduleType; [k: string]: string };

const nullable = <T extends z.ZodType>(schema: T) => schema.nullable();

export const Schedule = z.object({
  type: ScheduleType.describe(`default ${DEFAULTS.scheduleType}`),
  value: nullable(z.string()).describe('cron expression, ISO time for once, else null'),
  timezone: TimeZone.describe(`IANA zone of the cron, default ${DEFAULTS.timezone}`),
  maxRuns: nullable(z.number().int().min(1)).describe('completes after this many runs'),
  lastRun: nullable(IsoTime).describe('when the last run started'),
  nextRun: nullable(IsoTime).describe('when the next run is due; null when none'),
  runCount: Count.describe('runs started so far'),
});
export type Schedule = z.infer<typeof Schedule>;

export const Offer = z.object({
  id: nullable(text(LIMITS.id)).describe('your offer id'),
  name: text(LIMITS.name, 1).describe('offer name'),
  summary: nullable(text(LIMITS.text)).describe('summary'),
  landingPageUrl: nullable(HttpUrl).describe('landing page'),
});
export type Offer = z.infer<typeof Offer>;

export const Brief = z.object({
  targetAudience: nullable(text(LIMITS.text)).describe('who to reach'),
  desiredAction: nullable(text(LIMITS.text)).describe('what they should do'),
  ctaUrl: nullable(HttpUrl).describe('call-to-action URL'),
  toneInstructions: nullable(text(LIMITS.text)).describe('voice and tone'),
  exampleMessages: z.array(text(LIMITS.text)).max(LIMITS.listItems).describe('sample messages'),
  offer: nullable(Offer).describe('linked offer'),
});
export type Brief = z.infer<typeof Brief>;

export const Constraints = z.object({
  tone: nullable(text(LIMITS.name)).describe('tone of voice'),
  cadence: nullable(text(LIMITS.name)).describe('e.g. "daily"'),
  postsPerDay: nullable(z.number().int().min(0).max(LIMITS.postsPerDay)).describe('posts per day'),
  postingTimes: z.array(HHMM).max(LIMITS.postingTimes).describe('"HH:MM" times'),
  timezone: nullable(TimeZone).describe('IANA zone of postingTimes'),
  requireApproval: nullable(z.boolean()).describe('a human approves posts'),
  budgetCents: nullable(Count).describe('budget, cents'),
  excludedTopics: z.array(text(LIMITS.name)).max(LIMITS.listItems).describe('topics to avoid'),
});
export type Constraints = z.infer<typeof Constraints>;

export const Kpi = z.object({
  metric: text(LIMITS.name, 1).describe('what is measured'),
  target: nullable(z.number()).describe('target'),
  platform: nullable(text(LIMITS.name)).describe('platform'),
  current: nullable(z.number()).describe('latest value'),
});
export type Kpi = z.infer<typeof Kpi>;

export const Plan = z.object({
  objectives: z.array(text(LIMITS.text, 1)).max(LIMITS.listItems).describe('objectives'),
  platforms: z.array(text(LIMITS.name, 1)).max(LIMITS.listItems).describe('e.g. ["linkedin","x"]'),
  constraints: Constraints.describe('content rules'),
  kpis: z.array(Kpi).max(LIMITS.listItems).describe('KPIs'),
});
export type Plan = z.infer<typeof Plan>;

export const ImportEntry = z.object({
  importId: text(LIMITS.id, 1).describe('unique; generated if omitted'),
  type: text(LIMITS.name, 1).describe('e.g. "csv", "crm"'),
  name: nullable(text(LIMITS.name)).describe('label'),
  date: IsoTime.describe('default now'),
  count: Count.describe('records in the source'),
  createdCount: Count.describe('leads created'),
  skippedCount: Count.describe('skipped'),
  invalidCount: Count.describe('rejected'),
  sourceUrl: nullable(HttpUrl).describe('source URL'),
  context: nullable(text(LIMITS.text)).describe('notes'),
});
export type ImportEntry = z.infer<typeof ImportEntry>;

export const Stats = z
  .record(CounterName, Count)
  .describe('counters: leads, contacted, replied, and any others');
export type Stats = z.infer<typeof Stats>;

export const Owner = z.object({
  user: z.string().describe('owner user'),
  org: nullable(z.string()).describe('owner organization'),
});
export type Owner = z.infer<typeof Owner>;

export const MISSION_ID = /^msn_[A-Za-z0-9]{16,64}$/;
/** A run id (the run records live in src/run/model.ts; a mission names one as its origin). */
export const RUN_ID = /^run_[A-Za-z0-9]{16,64}$/;

/** The run during which an agent created this mission (SPEC §12: no runaway loops). */
export const Origin = z.object({
  runId: z.string().regex(RUN_ID).describe('the run whose agent created it'),
  missionId: z.string().regex(MISSION_ID).describe('that run\'s mission'),
  depth: z.number().int().min(1).describe('1 when that mission was created by a person, +1 per run in between'),
});
export type Origin = z.infer<typeof Origin>;

/** What the next run will be when it is not a plain scheduled one: asked for by runMission, or a retry. */
export const QueuedRun = z.object({
  trigger: z.enum(['manual', 'retry']).describe('manual (runMission) or retry of a failed attempt'),
  attempt: z.number().int().min(1).describe('attempt number of the slot'),
  slot: nullable(IsoTime).describe('the scheduled time it serves'),
});
export type QueuedRun = z.infer<typeof QueuedRun>;

export const Mission = z.object({
  id: z.string().regex(MISSION_ID).describe('mission id'),
  title: text(LIMITS.title, 1).describe('short title'),
  goal: text(LIMITS.goal, 1).describe('instructions the agent follows'),
  icon: z.string().describe('one emoji'),
  status: Status.describe('lifecycle status'),
  schedule: Schedule.describe('when it runs'),
  spaceId: nullable(z.string()).describe('where it runs'),
  characterId: nullable(z.string()).describe('which agent runs it'),
  agentType: AgentType.describe('agent runtime'),
  visibility: Visibility.describe('who can see it'),
  owner: Owner.describe('set from the caller identity'),
  brief: Brief.describe('outreach brief'),
  plan: Plan.describe('content plan'),
  startsAt: nullable(IsoTime).describe('window start'),
  endsAt: nullable(IsoTime).describe('window end'),
  pausedAt: nullable(IsoTime).describe('set while paused'),
  stats: Stats,
  imports: z.array(ImportEntry).describe(`import log: the newest ${LIMITS.importsKept} entries (${LIMITS.importsKeptBytes / 1024} KB), oldest dropped first`),
  origin: nullable(Origin).default(null).describe('the run that created it, if an agent did'),
  queuedRun: nullable(QueuedRun).default(null).describe('set when the next run is a manual one or a retry'),
  createdAt: IsoTime.describe('created'),
  updatedAt: IsoTime.describe('last changed'),
});
export type Mission = z.infer<typeof Mission>;

export const emptySchedule = (): Schedule => ({
  type: DEFAULTS.scheduleType,
  value: null,
  timezone: DEFAULTS.timezone,
  maxRuns: null,
  lastRun: null,
  nextRun: null,
  runCount: 0,
});

export const emptyOffer = (): Offer => ({ id: null, name: '', summary: null, landingPageUrl: null });

export const emptyKpi = (metric: string): Kpi => ({ metric, target: null, platform: null, current: null });

/** An import entry with nothing counted; `importId`, `type` and `date` come from the caller. */
export const emptyImport = (entry: Pick<ImportEntry, 'importId' | 'type' | 'date'>): ImportEntry => ({
  ...entry,
  name: null,
  count: 0,
  createdCount: 0,
  skippedCount: 0,
  invalidCount: 0,
  sourceUrl: null,
  context: null,
});

export const emptyBrief = (): Brief => ({
  targetAudience: null,
  desiredAction: null,
  ctaUrl: null,
  toneInstructions: null,
  exampleMessages: [],
  offer: null,
});

export const emptyConstraints = (): Constraints => ({
  tone: null,
  cadence: null,
  postsPerDay: null,
  postingTimes: [],
  timezone: null,
  requireApproval: null,
  budgetCents: null,
  excludedTopics: [],
});

export const emptyPlan = (): Plan => ({ objectives: [], platforms: [], constraints: emptyConstraints(), kpis: [] });

export const STANDARD_COUNTERS = ['leads', 'contacted', 'replied'] as const;
export const emptyStats = (): Stats => ({ leads: 0, contacted: 0, replied: 0 });

/** A new mission before its input is applied: every field at its default. */
export const blankMission = (m: Pick<Mission, 'id' | 'title' | 'goal' | 'owner' | 'origin' | 'createdAt'>): Mission => ({
  id: m.id,
  title: m.title,
  goal: m.goal,
  icon: DEFAULTS.icon,
  status: DEFAULTS.status,
  schedule: emptySchedule(),
  spaceId: null,
  characterId: null,
  agentType: DEFAULTS.agentType,
  visibility: DEFAULTS.visibility,
  owner: { ...m.owner },
  brief: emptyBrief(),
  plan: emptyPlan(),
  startsAt: null,
  endsAt: null,
  pausedAt: null,
  stats: emptyStats(),
  imports: [],
  origin: m.origin,
  queuedRun: null,
  createdAt: m.createdAt,
  updatedAt: m.createdAt,
});
