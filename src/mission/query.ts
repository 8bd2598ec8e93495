// listMissions as pure functions: filter, order, and keyset pagination. A cursor holds the sort key
// and id of the last mission returned, so creating or deleting other missions between pages never
// repeats or skips a mission that existed throughout.
import { z } from 'zod';
import { partitionPoint } from '../binary-search.js';
import { cursorForOtherCall, decodeCursor, encodeCursor } from '../cursor.js';
import { LIMITS, QueryTime, resolveQueryTime } from './fields.js';
import { AgentType, STATUSES, Visibility, type Mission, type Status } from './model.js';
import { ModeInput } from './input.js';
import { compareCodePoints, foldCase, foldedSearch } from './text.js';

export const SORTS = ['createdAt', 'updatedAt', 'nextRun', 'title'] as const;
export type Sort = (typeof SORTS)[number];
export type Order = 'asc' | 'desc';

/** What the status filter `active` stands for (both stores expand it from here). */
export const ACTIVE_STATUSES = ['pending', 'running'] as const satisfies readonly Status[];

const StatusFilter = z.enum([...STATUSES, 'active']);

// Filters are advertised without length bounds (validation keeps them); limit says its range.
export const ListMissionsInput = z.strictObject({
  status: z.union([StatusFilter, z.array(StatusFilter).min(1).max(7)]).optional().describe(`a status or a list of them; active = ${ACTIVE_STATUSES.join(' or ')}`),
  agentType: AgentType.optional().describe('agent runtime'),
  visibility: Visibility.optional().describe('visibility'),
  spaceId: z.string().max(LIMITS.id).optional().describe('space'),
  characterId: z.string().max(LIMITS.id).optional().describe('agent'),
  platform: z.string().max(LIMITS.name).optional().describe('a platform in the plan, any case'),
  query: z.string().trim().min(1).max(200).optional().describe('text in title or goal, any case'),
  dueBefore: QueryTime.optional().describe('nextRun at or before: "now" (due work), "+1h", or an ISO time'),
  sort: z.enum(SORTS).optional().describe('default createdAt'),
  order: z.enum(['asc', 'desc']).optional().describe('default desc'),
  limit: z.number().int().min(1).max(100).optional().describe('page size, default 20').meta({ keepLimits: true }),
  cursor: z.string().max(1000).optional().describe('nextCursor of the previous page, same filters'),
  mode: ModeInput,
}).meta({ limitsInDescription: true });
export type ListMissionsInput = z.infer<typeof ListMissionsInput>;

/** A listMissions question as a store takes it: the tool's input without `mode`, which says only how
 * the tool renders the answer (the tool maps one to the other). */
export type MissionQuery = Omit<ListMissionsInput, 'mode'>;

export type Filters = Omit<MissionQuery, 'sort' | 'order' | 'limit' | 'cursor'>;

/** The statuses a status filter asks for, `active` expanded. */
export function statusesOf(filter: NonNullable<Filters['status']>): Status[] {
  return [...new Set([filter].flat().flatMap((s) => (s === 'active' ? ACTIVE_STATUSES : [s])))];
}

/** The filters as one predicate, with its sets and folded strings made once per call;
 * undefined when there are no filters. */
export function compileFilter(f: Filters, now: Date): ((m: Mission) => boolean) | undefined {
  const tests: ((m: Mission) => boolean)[] = [];
  if (f.status !== undefined) {
    const wanted = new Set<string>(statusesOf(f.status));
    tests.push((m) => wanted.has(m.status));
  }
  const { agentType, visibility, spaceId, characterId } = f;
  if (agentType !== undefined) tests.push((m) => m.agentType === agentType);
  if (visibility !== undefined) tests.push((m) => m.visibility === visibility);
  if (spaceId !== undefined) tests.push((m) => m.spaceId === spaceId);
  if (characterId !== undefined) tests.push((m) => m.characterId === characterId);
  if (f.platform !== undefined) {
    const p = foldCase(f.platform);
    tests.push((m) => m.plan.platforms.some((x) => foldCase(x) === p));
  }
  if (f.query !== undefined) tests.push(textMatcher(f.query));
  if (f.dueBefore !== undefined) {
    const due = Date.parse(resolveQueryTime(f.dueBefore, now));
    tests.push((m) => m.schedule.nextRun !== null && Date.parse(m.schedule.nextRun) <= due);
  }
  if (tests.length === 0) return undefined;
  if (tests.length === 1) return tests[0]!;
  return (m) => tests.every((t) => t(m));
}

/**
 * The sort key; null sorts after every value in both orders (missions with no nextRun come last).
 * Keys compare in code-point order (compareCodePoints), as PostgreSQL's COLLATE "C" compares them.
 */
export type Key = string | null;

/** A mission's key for a sort: a time as ISO text, or the title case-folded (foldCase). */
export function keyOf(m: Mission, sort: Sort): Key {
  switch (sort) {
    case 'createdAt':
      return m.createdAt;
    case 'updatedAt':
      return m.updatedAt;
    case 'nextRun':
      return m.schedule.nextRun;
    case 'title':
      return foldCase(m.title);
  }
}

/**
 * The order of a list: by key in code-point order, null keys last in both orders, ties by id.
 * Times (ISO text) and ids are ASCII, where `<` is code-point order already and about twice as fast
 * (a store sorts 100,000 of them when a sort is first asked for); titles go through compareCodePoints.
 */
export function compare(a: { key: Key; id: string }, b: { key: Key; id: string }, order: Order, sort: Sort): number {
  const dir = order === 'asc' ? 1 : -1;
  if (a.key !== b.key) {
    if (a.key === null) return 1;
    if (b.key === null) return -1;
    return (sort === 'title' ? compareCodePoints(a.key, b.key) : a.key < b.key ? -1 : 1) * dir;
  }
  return a.id === b.id ? 0 : (a.id < b.id ? -1 : 1) * dir;
}

interface CursorData {
  v: 1;
  s: Sort;
  o: Order;
  f: string;
  k: Key;
  i: string;
}

function filterFingerprint(f: Filters): string {
  return JSON.stringify([f.status, f.agentType, f.visibility, f.spaceId, f.characterId, f.platform, f.query, f.dueBefore]);
}


export interface Page {
  missions: Mission[];
  total: number;
  hasMore: boolean;
  nextCursor: string | null;
}

/**
 * Where a list reads from: for one sort, disjoint arrays that together hold exactly the missions the
 * caller may see, each in ascending (key, id) order with null keys last (a store keeps these ready:
 * one array for a caller who sees everything, one per visibility bucket for anyone else).
 */
export type VisibleOrders = (sort: Sort) => readonly (readonly Mission[])[];

/** One ascending array seen in the order the caller asked for; null keys come last in both orders. */
interface View {
  length: number;
  at(i: number): Mission;
}

function viewOf(sorted: readonly Mission[], sort: Sort, order: Order): View {
  if (order === 'asc') return { length: sorted.length, at: (i) => sorted[i]! };
  // The first null key, by binary search (null keys come last in the ascending array).
  const firstNull = partitionPoint(sorted.length, (i) => keyOf(sorted[i]!, sort) !== null);
  // Non-null keys from the largest down, then the null keys, also in descending id order.
  return {
    length: sorted.length,
    at: (i) => (i < firstNull ? sorted[firstNull - 1 - i]! : sorted[sorted.length - 1 - (i - firstNull)]!),
  };
}

/** The first position of `view` that comes after the cursor, by binary search. */
function firstAfter(view: View, sort: Sort, order: Order, after: { key: Key; id: string }): number {
  return partitionPoint(view.length, (i) => {
    const m = view.at(i);
    return compare({ key: keyOf(m, sort), id: m.id }, after, order, sort) <= 0;
  });
}

/** The first `n` missions of lists each already in the asked order, merged (at most three short lists). */
function mergeFirst(lists: Mission[][], n: number, sort: Sort, order: Order): Mission[] {
  if (lists.length === 1) return lists[0]!.slice(0, n);
  const entries = lists.map((list) => list.map((m) => ({ key: keyOf(m, sort), id: m.id, m })));
  const at = entries.map(() => 0);
  const out: Mission[] = [];
  while (out.length < n) {
    let best = -1;
    for (let j = 0; j < entries.length; j++) {
      if (at[j]! < entries[j]!.length && (best < 0 || compare(entries[j]![at[j]!]!, entries[best]![at[best]!]!, order, sort) < 0)) best = j;
    }
    if (best < 0) break;
    out.push(entries[best]![at[best]!++]!.m);
  }
  return out;
}

/**
 * Whether title or goal contains `query`, both case-folded (foldedSearch: no mission keeps a folded
 * copy of its text). PostgreSQL asks the same of its search column, `${title}\n${goal}` folded.
 */
function textMatcher(query: string): (m: Mission) => boolean {
  const contains = foldedSearch(query);
  if (query.includes('\n')) return (m) => contains(`${m.title}\n${m.goal}`); // may span title and goal
  return (m) => contains(m.title) || contains(m.goal);
}

/** The cursor that continues a list right after `last` (a page cut short by the answer bound). */
/** The order a list is in: as asked, else soonest nextRun first when dueBefore is given, else newest first. */
function orderOf(input: MissionQuery): { sort: Sort; order: Order } {
  const due = input.dueBefore !== undefined;
  return { sort: input.sort ?? (due ? 'nextRun' : 'createdAt'), order: input.order ?? (due ? 'asc' : 'desc') };
}

export function cursorAfter(input: MissionQuery, last: Mission): string {
  const { limit: _l, cursor: _c, sort: _s, order: _o, ...filters } = input;
  const { sort, order } = orderOf(input);
  return encodeCursor({ s: sort, o: order, f: filterFingerprint(filters), k: keyOf(last, sort), i: last.id });
}

/**
 * One page of the missions in `orders` that pass the filters. In each order the cursor is found by
 * binary search and the next limit + 1 matching missions taken; those (from at most three orders) are
 * merged. No sorting and no scan per call: `total` without filters is the orders' sizes; with filters,
 * a count over the orders (only missions the caller may see), each mission tested once.
 */
export function listPage(orders: VisibleOrders, input: MissionQuery, now: Date): Page {
  const { sort, order, limit, filters, fingerprint, after } = pageRequest(input);
  const pass = compileFilter(filters, now);
  let total = 0;
  const next: Mission[][] = [];
  for (const sorted of orders(sort)) {
    const view = viewOf(sorted, sort, order);
    const start = after ? firstAfter(view, sort, order, after) : 0;
    const found: Mission[] = [];
    let i = start;
    if (!pass) {
      total += view.length;
      for (; i < view.length && found.length <= limit; i++) found.push(view.at(i));
    } else {
      for (let j = 0; j < start; j++) if (pass(view.at(j))) total++;
      for (; i < view.length && found.length <= limit; i++) {
        const m = view.at(i);
        if (pass(m)) found.push(m);
      }
      total += found.length;
      for (; i < view.length; i++) if (pass(view.at(i))) total++;
    }
    next.push(found);
  }
  const page = mergeFirst(next, limit + 1, sort, order);
  const hasMore = page.length > limit;
  if (hasMore) page.pop();
  return pageOf(page, total, hasMore, { sort, order, fingerprint });
}

/** A page with the cursor that continues it (shared by every store). */
export function pageOf(missions: Mission[], total: number, hasMore: boolean, req: { sort: Sort; order: Order; fingerprint: string }): Page {
  const last = missions[missions.length - 1];
  return {
    missions,
    total,
    hasMore,
    nextCursor: hasMore && last ? encodeCursor({ s: req.sort, o: req.order, f: req.fingerprint, k: keyOf(last, req.sort), i: last.id }) : null,
  };
}

export interface PageRequest {
  sort: Sort;
  order: Order;
  limit: number;
  filters: Filters;
  fingerprint: string;
  /** The (key, id) of the last mission of the previous page. */
  after: { key: Key; id: string } | undefined;
}

/** What a listMissions call asks for, its cursor checked against its filters, sort and order. */
export function pageRequest(input: MissionQuery): PageRequest {
  const { sort: _s, order: _o, limit = 20, cursor, ...filters } = input;
  const { sort, order } = orderOf(input);
  const fingerprint = filterFingerprint(filters);
  let after: { key: Key; id: string } | undefined;
  if (cursor !== undefined) {
    // The key is a string or null in every cursor a store made (keyOf); anything else was made by hand.
    const c = decodeCursor<CursorData>(cursor, 'listMissions', (d) => typeof d.i === 'string' && (d.k === null || typeof d.k === 'string'));
    if (c.s !== sort || c.o !== order || c.f !== fingerprint) throw cursorForOtherCall('listMissions', 'filters, sort or order');
    after = { key: c.k, id: c.i };
  }
  return { sort, order, limit, filters, fingerprint, after };
}
