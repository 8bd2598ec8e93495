// A mission as a row: the document itself (jsonb) and the columns that filters, sort keys,
// visibility and due work are asked of, derived here once so that SQL and JavaScript agree.
import type { Mission } from '../../mission/model.js';
import { keyOf } from '../../mission/query.js';
import type { RunRecord } from '../../run/model.js';

const RUNNABLE = new Set(['once', 'cron', 'continuous']);

export const MISSION_COLUMNS = [
  'id', 'doc', 'status', 'runnable', 'owner_user', 'owner_org', 'visibility', 'agent_type', 'space_id', 'character_id',
  'platforms', 'search', 'created_at', 'updated_at', 'next_run', 'next_run_ms', 'title_key',
] as const;

export function missionRow(m: Mission): unknown[] {
  return [
    m.id,
    JSON.stringify(m),
    m.status,
    RUNNABLE.has(m.schedule.type) || m.queuedRun?.trigger === 'manual',
    m.owner.user,
    m.owner.org,
    m.visibility,
    m.agentType,
    m.spaceId,
    m.characterId,
    m.plan.platforms.map((p) => p.toLowerCase()),
    `${m.title}\n${m.goal}`.toLowerCase(),
    m.createdAt,
    m.updatedAt,
    m.schedule.nextRun,
    m.schedule.nextRun === null ? null : Date.parse(m.schedule.nextRun),
    keyOf(m, 'title'),
  ];
}

const set = MISSION_COLUMNS.slice(1).map((c) => `${c} = EXCLUDED.${c}`).join(', ');
export const UPSERT_MISSION = `INSERT INTO missions (${MISSION_COLUMNS.join(', ')}) VALUES (${MISSION_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}) ON CONFLICT (id) DO UPDATE SET ${set}`;

export const UPSERT_RUN =
  'INSERT INTO runs (id, mission_id, started_at, status, record) VALUES ($1, $2, $3, $4, $5) ' +
  'ON CONFLICT (id) DO UPDATE SET mission_id = EXCLUDED.mission_id, started_at = EXCLUDED.started_at, status = EXCLUDED.status, record = EXCLUDED.record';

export const runRow = (r: RunRecord): unknown[] => [r.id, r.missionId, r.startedAt, r.status, JSON.stringify(r)];
