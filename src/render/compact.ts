// Compact output (SPEC §6): only what is set and not default, the goal cut short, brief/plan/imports
// as a note of what exists. Lists use an even smaller record per mission.
import { z } from 'zod';
import { AgentType, DEFAULTS, Mission, Origin, QueuedRun, STANDARD_COUNTERS, Schedule, Visibility } from '../mission/model.js';

export const GOAL_EXCERPT = 120;

/** A model object's fields as compact output holds them: each left out unless set, never null. */
type SetOnly<S extends z.ZodRawShape> = { [K in keyof S]: z.ZodOptional<S[K] extends z.ZodNullable<infer T> ? T : S[K]> };
function setOnly<S extends z.ZodRawShape>(model: z.ZodObject<S>): z.ZodObject<SetOnly<S>, z.core.$strict> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(model.shape as unknown as Record<string, z.ZodType>)) {
    shape[key] = (field instanceof z.ZodNullable ? (field.unwrap() as z.ZodType) : field).optional();
  }
  return z.strictObject(shape) as z.ZodObject<SetOnly<S>, z.core.$strict>;
}

// The exact compact shapes, made from the model's fields. Strict, so tests that parse results with them catch any stray field.
export const CompactMission = z
  .strictObject({
    ...Mission.pick({ id: true, title: true, status: true }).shape,
    goal: z.string().optional().describe('excerpt; "…" marks a cut'),
    icon: Mission.shape.icon.optional(),
    schedule: setOnly(Schedule.pick({ value: true, timezone: true, maxRuns: true, runCount: true, lastRun: true }))
      .extend({ type: Schedule.shape.type })
      .optional()
      .describe('set fields only'),
    nextRun: Schedule.shape.nextRun.unwrap().optional(),
    ...setOnly(Mission.pick({ spaceId: true, characterId: true, startsAt: true, endsAt: true, pausedAt: true })).shape,
    agentType: AgentType.optional(),
    visibility: Visibility.optional(),
    stats: z.record(z.string(), z.number()).optional().describe('non-zero counters'),
    brief: z.array(z.string()).optional().describe('names of the brief fields that are set'),
    plan: z.array(z.string()).optional().describe('names of the plan parts that are set'),
    imports: z.number().optional().describe('number of imports'),
    origin: Origin.optional().describe('the run that created it'),
    queuedRun: QueuedRun.optional(),
  })
  .describe('compact mission: call getMission with mode "full" for everything');
export type CompactMission = z.infer<typeof CompactMission>;

/** A mission whose full form is over the answer bound (--max-answer-bytes): its compact form and why. */
export const TruncatedMission = CompactMission.extend({ truncated: z.string().describe('why this is not the full mission') });
export type TruncatedMission = z.infer<typeof TruncatedMission>;

export const CompactListItem = CompactMission.pick({ id: true, title: true, status: true, nextRun: true });
export type CompactListItem = z.infer<typeof CompactListItem>;

function excerpt(text: string): string {
  if (text.length <= GOAL_EXCERPT) return text;
  const cut = text.slice(0, GOAL_EXCERPT);
  const space = cut.lastIndexOf(' ');
  return `${(space > GOAL_EXCERPT / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

const isSet = (v: unknown) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0);

function setKeys(o: object): string[] {
  return Object.entries(o)
    .filter(([, v]) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? setKeys(v).length > 0 : isSet(v)))
    .map(([k]) => k);
}

export function compactMission(m: Mission): CompactMission {
  const out: CompactMission = { id: m.id, title: m.title, status: m.status, goal: excerpt(m.goal) };
  if (m.icon !== DEFAULTS.icon) out.icon = m.icon;
  const s = m.schedule;
  if (s.type !== DEFAULTS.scheduleType) {
    out.schedule = { type: s.type };
    if (s.value !== null) out.schedule.value = s.value;
    if (s.timezone !== DEFAULTS.timezone) out.schedule.timezone = s.timezone;
    if (s.maxRuns !== null) out.schedule.maxRuns = s.maxRuns;
    if (s.runCount > 0) out.schedule.runCount = s.runCount;
    if (s.lastRun !== null) out.schedule.lastRun = s.lastRun;
  }
  if (s.nextRun !== null) out.nextRun = s.nextRun;
  if (m.spaceId !== null) out.spaceId = m.spaceId;
  if (m.characterId !== null) out.characterId = m.characterId;
  if (m.agentType !== DEFAULTS.agentType) out.agentType = m.agentType;
  if (m.visibility !== DEFAULTS.visibility) out.visibility = m.visibility;
  if (m.startsAt !== null) out.startsAt = m.startsAt;
  if (m.endsAt !== null) out.endsAt = m.endsAt;
  if (m.pausedAt !== null) out.pausedAt = m.pausedAt;
  const counters = Object.entries(m.stats).filter(([k, v]) => v !== 0 || !(STANDARD_COUNTERS as readonly string[]).includes(k));
  if (counters.length > 0) out.stats = Object.fromEntries(counters);
  const brief = setKeys(m.brief);
  if (brief.length > 0) out.brief = brief;
  const plan = setKeys(m.plan);
  if (plan.length > 0) out.plan = plan;
  if (m.imports.length > 0) out.imports = m.imports.length;
  if (m.origin) out.origin = m.origin;
  if (m.queuedRun) out.queuedRun = m.queuedRun;
  return out;
}

export function compactListItem(m: Mission): CompactListItem {
  const item: CompactListItem = { id: m.id, title: m.title, status: m.status };
  if (m.schedule.nextRun !== null) item.nextRun = m.schedule.nextRun;
  return item;
}
