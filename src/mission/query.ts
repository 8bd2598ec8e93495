// listMissions as pure functions: filter, order, and keyset pagination. A cursor holds the sort key
// and id of the last mission returned, so creating or deleting other missions between pages never
// repeats or skips a mission that existed throughout.
import { z } from 'zod';
import { cursorForOtherCall, decodeCursor, encodeCursor } from '../cursor.js';
import { LIMITS, QueryTime, resolveQueryTime } from './fields.js';
import { AgentType, STATUSES, Visibility, type Mission } from './model.js';
import { ModeInput } from './input.js';

export const SORTS = ['createdAt', 'updatedAt', 'nextRun', 'title'] as const;
export type Sort = (typeof SORTS)[number];
export type Order = 'asc' | 'desc';

const StatusFilter = z.enum([...STATUSES, 'active']);

// Filters are advertised without length bounds (validation keeps them); limit says its range.
export const ListMissionsInput = z.strictObject({
  status: z.union([StatusFilter, z.array(StatusFilter).min(1).max(7)]).optional().describe('a status or a list of them; active = pending or running'),
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

export type Filters = Omit<ListMissionsInput, 'sort' | 'order' | 'limit' | 'cursor' | 'mode'>;

/** The filters as one predicate, with its sets and lower-cased strings made once per call;
 * undefined when there are no filters. */
export function compileFilter(f: Filters, now: Date): ((m: Mission) => boolean) | undefined {
  const tests: ((m: Mission) => boolean)[] = [];
  if (f.status !== undefined) {
    const wanted = new Set<string>(Array.isArray(f.status) ? f.status : [f.status]);
    if (wanted.has('active')) wanted.add('pending').add('running');
    tests.push((m) => wanted.has(m.status));
  }
  const { agentType, visibility, spaceId, characterId } = f;
  if (agentType !== undefined) tests.push((m) => m.agentType === agentType);
  if (visibility !== undefined) tests.push((m) => m.visibility === visibility);
  if (spaceId !== undefined) tests.push((m) => m.spaceId === spaceId);
  if (characterId !== undefined) tests.push((m) => m.characterId === characterId);
  if (f.platform !== undefined) {
    const p = f.platform.toLowerCase();
    tests.push((m) => m.plan.platforms.some((x) => x.toLowerCase() === p));
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

/** The sort key; null sorts after every value in both orders (missions with no nextRun come last). */
export type Key = string | null;

export function keyOf(m: Mission, sort: Sort): Key {
  switch (sort) {
    case 'createdAt':
      return m.createdAt;
    case 'updatedAt':
      return m.updatedAt;
    case 'nextRun':
      return m.schedule.nextRun;
    case 'title':
      return m.title.toLowerCase();
  }
}

export function compare(a: { key: Key; id: string }, b: { key: Key; id: string }, order: Order): number {
  const dir = order === 'asc' ? 1 : -1;
  if (a.key !== b.key) {
    if (a.key === null) return 1;
    if (b.key === null) return -1;
    return (a.key < b.key ? -1 : 1) * dir;
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

/** Missions in ascending (key, id) order for one sort, null keys last; a store keeps these ready. */
export interface SortedMissions {
  sorted(sort: Sort): readonly Mission[];
}

/** The i-th mission in the order the caller asked for; null keys come last in both orders. */
function positions(sorted: readonly Mission[], sort: Sort, order: Order): (i: number) => Mission {
  if (order === 'asc') return (i) => sorted[i]!;
  let firstNull = sorted.length;
  while (firstNull > 0 && keyOf(sorted[firstNull - 1]!, sort) === null) firstNull--;
  // Non-null keys from the largest down, then the null keys, also in descending id order.
  return (i) => (i < firstNull ? sorted[firstNull - 1 - i]! : sorted[sorted.length - 1 - (i - firstNull)]!);
}

/**
 * Whether title or goal contains `query`, ignoring case: a case-insensitive regular expression, so that
 * no mission needs a lower-cased copy of its text (a cache of them cost about 60 MB of memory at 100,000
 * missions, issue 13, and was slower than this).
 */
function textMatcher(query: string): (m: Mission) => boolean {
  const re = new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'iu');
  if (query.includes('\n')) return (m) => re.test(`${m.title}\n${m.goal}`); // may span title and goal
  return (m) => re.test(m.title) || re.test(m.goal);
}

/** The cursor that continues a list right after `last` (a page cut short by the answer bound). */
/** The order a list is in: as asked, else soonest nextRun first when dueBefore is given, else newest first. */
function orderOf(input: ListMissionsInput): { sort: Sort; order: Order } {
  const due = input.dueBefore !== undefined;
  return { sort: input.sort ?? (due ? 'nextRun' : 'createdAt'), order: input.order ?? (due ? 'asc' : 'desc') };
}

export function cursorAfter(input: ListMissionsInput, last: Mission): string {
  const { limit: _l, cursor: _c, mode: _m, sort: _s, order: _o, ...filters } = input;
  const { sort, order } = orderOf(input);
  return encodeCursor({ s: sort, o: order, f: filterFingerprint(filters), k: keyOf(last, sort), i: last.id });
}

/**
 * One page of the missions that pass `visible` (undefined: the caller sees every mission) and the
 * filters. One pass over an order the store keeps sorted: no sorting per call. Without filters, a
 * caller who sees everything costs only the page itself.
 */
export function listPage(source: SortedMissions, input: ListMissionsInput, now: Date, visible?: (m: Mission) => boolean): Page {
  const { sort, order, limit, filters, fingerprint, after } = pageRequest(input);
  const wanted = compileFilter(filters, now);
  const pass = visible && wanted ? (m: Mission) => visible(m) && wanted(m) : (visible ?? wanted);
  const sorted = source.sorted(sort);
  const at = positions(sorted, sort, order);
  const page: Mission[] = [];
  let total = 0;
  let hasMore = false;
  for (let i = 0; i < sorted.length; i++) {
    const m = at(i);
    if (pass && !pass(m)) continue;
    if (page.length === limit) {
      // In order, so everything after a full page also comes after the cursor.
      hasMore = true;
      if (!pass) {
        total = sorted.length; // every mission passes: no need to count the rest
        break;
      }
      total++;
      continue;
    }
    total++;
    if (after && compare({ key: keyOf(m, sort), id: m.id }, after, order) <= 0) continue;
    page.push(m);
  }
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
export function pageRequest(input: ListMissionsInput): PageRequest {
  const { sort: _s, order: _o, limit = 20, cursor, mode: _mode, ...filters } = input;
  const { sort, order } = orderOf(input);
  const fingerprint = filterFingerprint(filters);
  let after: { key: Key; id: string } | undefined;
  if (cursor !== undefined) {
    const c = decodeCursor<CursorData>(cursor, 'listMissions', (d) => typeof d.i === 'string');
    if (c.s !== sort || c.o !== order || c.f !== fingerprint) throw cursorForOtherCall('listMissions', 'filters, sort or order');
    after = { key: c.k, id: c.i };
  }
  return { sort, order, limit, filters, fingerprint, after };
}
