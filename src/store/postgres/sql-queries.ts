// listMissions, listRuns and due work as SQL, with the same filters, order and keyset cursors as the
// file store (src/mission/query.ts, src/run/query.ts): null sort keys last in both orders, ties by id.
// Each rule is written in TypeScript once and turned into SQL here: visibility from AUDIENCE, the
// `active` status from statusesOf, the text query folded by foldCase (the search column is folded by
// the same function, src/store/postgres/rows.ts), due work's status from DUE_STATUS.
import { visibilitiesFor, type Identity } from '../../mission/access.js';
import { resolveQueryTime } from '../../mission/fields.js';
import type { MissionQuery, Sort } from '../../mission/query.js';
import { pageRequest, statusesOf, type PageRequest } from '../../mission/query.js';
import { foldCase } from '../../mission/text.js';
import type { DueOrder } from '../../run/fair.js';
import { DUE_STATUS } from '../../run/lifecycle.js';
import { runPageRequest, type RunQuery } from '../../run/query.js';
import { OPEN_RUN_STATUSES } from '../../run/model.js';

export interface Sql {
  text: string;
  values: unknown[];
}

/** Builds a WHERE clause with numbered parameters. */
class Where {
  readonly parts: string[] = [];
  constructor(readonly values: unknown[] = []) {}
  param(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
  add(part: string): void {
    this.parts.push(part);
  }
  toString(): string {
    return this.parts.length ? `WHERE ${this.parts.map((p) => `(${p})`).join(' AND ')}` : '';
  }
}

const SORT_COLUMN: Record<Sort, string> = { createdAt: 'created_at', updatedAt: 'updated_at', nextRun: 'next_run', title: 'title_key' };

/** A constant of the domain (a status, a visibility: lower-case words) as an SQL literal, so that partial indexes still apply. */
function literal(value: string): string {
  if (!/^[a-z_]+$/.test(value)) throw new Error(`not a word to put in SQL: ${JSON.stringify(value)}`);
  return `'${value}'`;
}

/** `column` is one of `values` (none: false), as SQL. */
function oneOf(column: string, values: readonly string[]): string {
  if (values.length === 0) return 'false';
  return values.length === 1 ? `${column} = ${literal(values[0]!)}` : `${column} IN (${values.map(literal).join(', ')})`;
}

/** The missions `who` may see (canSee in SQL, from AUDIENCE), over columns of `t`. */
function visibleTo(w: Where, who: Identity, t = ''): void {
  if (who.kind === 'local') return;
  const u = w.param(who.user);
  const o = w.param(who.org);
  w.add(
    `(${t}owner_user = ${u} AND ${t}owner_org IS NOT DISTINCT FROM ${o}::text) OR ${oneOf(`${t}visibility`, visibilitiesFor('everyone'))} ` +
      `OR (${oneOf(`${t}visibility`, visibilitiesFor('org'))} AND ${t}owner_org IS NOT NULL AND ${t}owner_org = ${o}::text)`,
  );
}

function filters(w: Where, req: PageRequest, now: Date): void {
  const f = req.filters;
  if (f.status !== undefined) w.add(`status = ANY(${w.param(statusesOf(f.status))})`);
  if (f.agentType !== undefined) w.add(`agent_type = ${w.param(f.agentType)}`);
  if (f.visibility !== undefined) w.add(`visibility = ${w.param(f.visibility)}`);
  if (f.spaceId !== undefined) w.add(`space_id = ${w.param(f.spaceId)}`);
  if (f.characterId !== undefined) w.add(`character_id = ${w.param(f.characterId)}`);
  if (f.platform !== undefined) w.add(`${w.param(foldCase(f.platform))} = ANY(platforms)`);
  if (f.query !== undefined) w.add(`strpos(search, ${w.param(foldCase(f.query))}) > 0`);
  if (f.dueBefore !== undefined) w.add(`next_run_ms <= ${w.param(Date.parse(resolveQueryTime(f.dueBefore, now)))}`);
}

/** The page query (limit + 1 rows after the cursor) and the count of every match. */
export function listSql(input: MissionQuery, who: Identity, now: Date): { req: PageRequest; page: Sql; count: Sql } {
  const req = pageRequest(input);
  const w = new Where();
  visibleTo(w, who);
  filters(w, req, now);
  const count = { text: `SELECT count(*)::int AS n FROM missions ${w}`, values: [...w.values] };
  const col = SORT_COLUMN[req.sort];
  const nullable = req.sort === 'nextRun'; // the other sort columns are NOT NULL
  const dir = req.order === 'asc' ? 'ASC' : 'DESC';
  const cmp = req.order === 'asc' ? '>' : '<';
  if (req.after) {
    const id = w.param(req.after.id);
    if (req.after.key === null) w.add(`${col} IS NULL AND id ${cmp} ${id}`);
    else {
      // A row comparison, so that the (sort key, id) index starts right after the cursor.
      const after = `(${col}, id) ${cmp} (${w.param(req.after.key)}::text COLLATE "C", ${id}::text COLLATE "C")`;
      w.add(nullable ? `${col} IS NULL OR ${after}` : after);
    }
  }
  // Written so that an index gives the order (no sort of every match): missions_created, _updated,
  // _title and _next_run read forwards or backwards, missions_next_run_desc for nextRun desc.
  const page = {
    text: `SELECT doc FROM missions ${w} ORDER BY ${col} ${dir}${nullable ? ' NULLS LAST' : ''}, id ${dir} LIMIT ${w.param(req.limit + 1)}`,
    values: w.values,
  };
  return { req, page, count };
}

/** `('running', 'awaiting_approval')`: the open run statuses (run/model.ts), as SQL. */
export const OPEN_STATUSES_SQL = `(${OPEN_RUN_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/** Not a mission whose approval request waits for a person (awaitsPerson in run/model.ts), as SQL over missions row `t`. */
const NOT_AWAITING_PERSON = (t: string) =>
  `NOT EXISTS (SELECT 1 FROM runs r WHERE r.mission_id = ${t}id AND r.status = 'awaiting_approval' AND (r.record->>'decision') IS NULL)`;

/** The owners' fixed order of src/run/fair.ts (compareOwners), over columns of `t`. */
const ownerKey = (t: string) => `${t}owner_user COLLATE "C", ${t}owner_org IS NOT NULL, coalesce(${t}owner_org, '') COLLATE "C"`;

/** Missions that may be due (mayBeDue in src/run/lifecycle.ts, with next_run_ms asked apart): the predicate of the missions_due index. */
const MAY_BE_DUE = `${oneOf('status', [DUE_STATUS])} AND runnable`;

export function dueSql(now: Date, limit: number, order?: DueOrder): Sql {
  if (!order) {
    return {
      text: `SELECT doc FROM missions WHERE ${MAY_BE_DUE} AND next_run_ms <= $1 AND ${NOT_AWAITING_PERSON('missions.')} ORDER BY next_run, id LIMIT $2`,
      values: [now.getTime(), limit],
    };
  }
  // Round robin over owners: each due mission numbered within its owner (a window per owner), then
  // round 1 (every owner's first), round 2, …; within a round, owners after `after` first.
  const w = new Where();
  w.add(MAY_BE_DUE);
  w.add(`next_run_ms <= ${w.param(now.getTime())}`);
  w.add(NOT_AWAITING_PERSON('missions.'));
  if (order.only?.user !== undefined) w.add(`owner_user = ${w.param(order.only.user)}`);
  if (order.only?.org !== undefined) w.add(`owner_org = ${w.param(order.only.org)}`);
  const after = order.after
    ? `(${ownerKey('d.')}) <= (${w.param(order.after.user)}::text COLLATE "C", ${w.param(order.after.org !== null)}::boolean, ${w.param(order.after.org ?? '')}::text COLLATE "C"), `
    : '';
  return {
    text:
      `SELECT m.doc FROM (SELECT id, owner_user, owner_org, row_number() OVER (PARTITION BY owner_user, owner_org ORDER BY next_run, id) AS round ` +
      `FROM missions ${w}) d JOIN missions m ON m.id = d.id ORDER BY d.round, ${after}${ownerKey('d.')} LIMIT ${w.param(limit)}`,
    values: w.values,
  };
}

export function listRunsSql(input: RunQuery, who: Identity) {
  const req = runPageRequest(input);
  const w = new Where();
  let from = 'runs r';
  if (req.missionId !== undefined) w.add(`r.mission_id = ${w.param(req.missionId)}`);
  else {
    from = 'runs r JOIN missions m ON m.id = r.mission_id';
    visibleTo(w, who, 'm.');
  }
  if (req.statuses) w.add(`r.status = ANY(${w.param([...req.statuses])})`);
  const count = { text: `SELECT count(*)::int AS n FROM ${from} ${w}`, values: [...w.values] };
  if (req.after) w.add(`(r.started_at, r.id) < (${w.param(req.after.s)}::text COLLATE "C", ${w.param(req.after.i)}::text COLLATE "C")`);
  const page = { text: `SELECT r.record FROM ${from} ${w} ORDER BY r.started_at DESC, r.id DESC LIMIT ${w.param(req.limit + 1)}`, values: w.values };
  return { req, page, count };
}
