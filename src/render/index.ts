// The one place that decides how missions look in results, for every tool and both modes.
import { z } from 'zod';
import type { Mode } from '../mission/input.js';
import { AgentType, ScheduleType, Status, Visibility, type Mission } from '../mission/model.js';
import { compactListItem, compactMission, type CompactListItem, type CompactMission } from './compact.js';

export type { Mode };

// What tools/list advertises for a mission: the top-level names and types, valid for both modes, in a
// few hundred tokens. Advertising the whole model (and the compact one) in every tool's outputSchema
// cost about 2,500 tokens per tool, paid by every agent session. The exact shapes are the zod schemas
// `Mission` (full) and `CompactMission`, and the tests hold every result to them.
const str = z.string();
const nullableStr = z.string().nullable();
const objectOr = <T extends z.ZodType>(alt: T) => z.union([z.looseObject({}), alt]);

export const MissionOutput = z
  .looseObject({
    id: str,
    title: str,
    status: Status,
    goal: str.optional(),
    icon: str.optional(),
    schedule: z.looseObject({ type: ScheduleType }).optional(),
    nextRun: str.optional(),
    spaceId: nullableStr.optional(),
    characterId: nullableStr.optional(),
    agentType: AgentType.optional(),
    visibility: Visibility.optional(),
    owner: z.looseObject({}).optional(),
    brief: objectOr(z.array(str)).optional(),
    plan: objectOr(z.array(str)).optional(),
    startsAt: nullableStr.optional(),
    endsAt: nullableStr.optional(),
    pausedAt: nullableStr.optional(),
    stats: z.record(str, z.number()).optional(),
    imports: z.union([z.array(z.looseObject({})), z.number()]).optional(),
    createdAt: str.optional(),
    updatedAt: str.optional(),
  })
  .describe('full: every field, unset ones null/[]/{}; compact: only set fields, goal cut, brief/plan as the names of their set parts, imports as a count, nextRun at the top');

export const ListItemOutput = z
  .looseObject({ id: str, title: str, status: Status, nextRun: str.optional() })
  .describe('full: the whole mission; compact: id, title, status, nextRun');

export function renderMission(m: Mission, mode: Mode): Mission | CompactMission {
  return mode === 'full' ? m : compactMission(m);
}

export function renderListItem(m: Mission, mode: Mode): Mission | CompactListItem {
  return mode === 'full' ? m : compactListItem(m);
}
