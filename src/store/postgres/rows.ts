// A mission as a row: the document itself (json) and the columns that filters, sort keys,
// visibility and due work are asked of, each derived by the TypeScript rule the file store applies
// (isRunnable, foldCase, keyOf), so that SQL and JavaScript agree.
import type { Mission } from '../../mission/model.js';
import { keyOf } from '../../mission/query.js';
import { foldCase } from '../../mission/text.js';
import { isRunnable } from '../../run/lifecycle.js';
import type { RunRecord } from '../../run/model.js';

export const MISSION_COLUMNS = [
  'id', 'doc', 'status', 'runnable', 'owner_user', 'owner_org', 'visibility', 'agent_type', 'space_id', 'character_id',
  'platforms', 'search', 'created_at', 'updated_at', 'next_run', 'next_run_ms', 'title_key',
] as const;

/** The columns that hold case-folded text: what `query` searches, platform names, the title sort key. */
export function foldedColumns(m: Mission): { search: string; platforms: string[]; titleKey: string } {
  return { search: foldCase(`${m.title}\n${m.goal}`), platforms: m.plan.platforms.map(foldCase), titleKey: keyOf(m, 'title')! };
}

export function missionRow(m: Mission): unknown[] {
  const folded = foldedColumns(m);
  return [
    m.id,
    JSON.stringify(m),
    m.status,
    isRunnable(m),
    m.owner.user,
    m.owner.org,
    m.visibility,
    m.agentType,
    m.spaceId,
    m.characterId,
    folded.platforms,
    folded.search,
    m.createdAt,
    m.updatedAt,
    m.schedule.nextRun,
    m.schedule.nextRun === null ? null : Date.parse(m.schedule.nextRun),
    folded.titleKey,
  ];
}

const RUN_COLUMNS = ['id', 'mission_id', 'started_at', 'status', 'record'] as const;

export const runRow = (r: RunRecord): unknown[] => [r.id, r.missionId, r.startedAt, r.status, JSON.stringify(r)];

/** Rows per INSERT: PostgreSQL takes at most 65,535 parameters in one statement. */
const ROWS_PER_STATEMENT = 1000;

/**
 * INSERT … ON CONFLICT (id) DO UPDATE statements for `items`, at most ROWS_PER_STATEMENT rows each.
 * One statement may not touch a row twice, so an id given twice keeps its last item (as one upsert
 * after another would); rows go in id order, the order in which writes lock.
 */
function upserts<T extends { id: string }>(table: string, columns: readonly string[], toRow: (item: T) => unknown[], items: readonly T[]) {
  const last = [...new Map(items.map((item) => [item.id, item])).values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const set = columns.slice(1).map((c) => `${c} = EXCLUDED.${c}`).join(', ');
  const statements: { text: string; values: unknown[] }[] = [];
  for (let i = 0; i < last.length; i += ROWS_PER_STATEMENT) {
    const chunk = last.slice(i, i + ROWS_PER_STATEMENT);
    const tuples = chunk.map((_, r) => `(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`);
    statements.push({
      text: `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO UPDATE SET ${set}`,
      values: chunk.flatMap(toRow),
    });
  }
  return statements;
}

export const missionUpserts = (missions: readonly Mission[]) => upserts('missions', MISSION_COLUMNS, missionRow, missions);
export const runUpserts = (runs: readonly RunRecord[]) => upserts('runs', RUN_COLUMNS, runRow, runs);
