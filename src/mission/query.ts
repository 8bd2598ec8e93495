// listMissions as pure functions: filter, order, and keyset pagination. A cursor holds the sort key
// and id of the last mission returned, so creating or deleting other missions between pages never
// repeats or skips a mission that existed throughout.
import { z } from 'zod';
import { MissionError, invalidField } from '../errors.js';
import { IsoTime, LIMITS } from './fields.js';
import { AgentType, STATUSES, Visibility, type Mission } from './model.js';
import { ModeInput } from './input.js';
import { advertised, limitsInDescription } from '../json-schema.js';

export const SORTS = ['createdAt', 'updatedAt', 'nextRun', 'title'] as const;
export type Sort = (typeof SORTS)[number];
export type Order = 'asc' | 'desc';

const StatusFilter = z.enum([...STATUSES, 'active']);

// Filters are advertised without length bounds (validation keeps them); limit says its range.
export const ListMissionsInput = limitsInDescription(z.strictObject({
  status: advertised(
    z.union([StatusFilter, z.array(StatusFilter).min(1).max(7)]).optional().describe('a status or a list of them; active = pending or running'),
    // the list's items are the same statuses; saying them once saves tokens
    (s) => void (Array.isArray(s.anyOf) && ((s.anyOf as object[])[1] = { type: 'array' })),
  ),
  agentType: AgentType.optional().describe('agent runtime'),
  visibility: Visibility.optional().describe('visibility'),
  spaceId: z.string().max(LIMITS.id).optional().describe('space'),
  characterId: z.string().max(LIMITS.id).optional().describe('agent'),
  platform: z.string().max(LIMITS.name).optional().describe('a platform in the plan, any case'),
  query: z.string().trim().min(1).max(200).optional().describe('text in title or goal, any case'),
  dueBefore: IsoTime.optional().describe('nextRun at or before this time: due work'),
  sort: z.enum(SORTS).optional().describe('default createdAt'),
  order: z.enum(['asc', 'desc']).optional().describe('default desc'),
  limit: z.number().int().min(1).max(100).optional().describe('page size 1–100, default 20'),
  cursor: z.string().max(1000).optional().describe('nextCursor of the previous page, same filters'),
  mode: ModeInput,
}));
export type ListMissionsInput = z.infer<typeof ListMissionsInput>;

type Filters = Omit<ListMissionsInput, 'sort' | 'order' | 'limit' | 'cursor' | 'mode'>;

export function matches(m: Mission, f: Filters): boolean {
  if (f.status !== undefined) {
    const wanted = new Set<string>(Array.isArray(f.status) ? f.status : [f.status]);
    if (wanted.has('active')) wanted.add('pending').add('running');
    if (!wanted.has(m.status)) return false;
  }
  if (f.agentType !== undefined && m.agentType !== f.agentType) return false;
  if (f.visibility !== undefined && m.visibility !== f.visibility) return false;
  if (f.spaceId !== undefined && m.spaceId !== f.spaceId) return false;
  if (f.characterId !== undefined && m.characterId !== f.characterId) return false;
  if (f.platform !== undefined) {
    const p = f.platform.toLowerCase();
    if (!m.plan.platforms.some((x) => x.toLowerCase() === p)) return false;
  }
  if (f.query !== undefined) {
    const q = f.query.toLowerCase();
    if (!m.title.toLowerCase().includes(q) && !m.goal.toLowerCase().includes(q)) return false;
  }
  if (f.dueBefore !== undefined) {
    const next = m.schedule.nextRun;
    if (next === null || Date.parse(next) > Date.parse(f.dueBefore)) return false;
  }
  return true;
}

/** The sort key; null sorts after every value in both orders (missions with no nextRun come last). */
type Key = string | null;

function keyOf(m: Mission, sort: Sort): Key {
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

function compare(a: { key: Key; id: string }, b: { key: Key; id: string }, order: Order): number {
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

export function encodeCursor(data: Omit<CursorData, 'v'>): string {
  return Buffer.from(JSON.stringify({ v: 1, ...data })).toString('base64url');
}

function decodeCursor(cursor: string): CursorData {
  try {
    const data = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorData;
    if (data && data.v === 1 && typeof data.i === 'string') return data;
  } catch {
    // fall through
  }
  throw invalidField('cursor', 'not a cursor from listMissions; pass nextCursor exactly as returned, or omit it to start over');
}

export interface Page {
  missions: Mission[];
  total: number;
  hasMore: boolean;
  nextCursor: string | null;
}

export function listPage(all: Iterable<Mission>, input: ListMissionsInput): Page {
  const { sort = 'createdAt', order = 'desc', limit = 20, cursor, mode: _mode, ...filters } = input;
  const fingerprint = filterFingerprint(filters);
  let after: { key: Key; id: string } | undefined;
  if (cursor !== undefined) {
    const c = decodeCursor(cursor);
    if (c.s !== sort || c.o !== order || c.f !== fingerprint) {
      throw new MissionError(
        'invalid_request',
        'This cursor belongs to a listMissions call with other filters, sort or order. Repeat the same filters with it, or omit cursor to start over.',
        { param: 'cursor', issues: [{ path: 'cursor', message: 'made for different filters, sort or order' }] },
      );
    }
    after = { key: c.k, id: c.i };
  }
  const matching: { key: Key; id: string; m: Mission }[] = [];
  for (const m of all) if (matches(m, filters)) matching.push({ key: keyOf(m, sort), id: m.id, m });
  matching.sort((a, b) => compare(a, b, order));
  const start = after ? matching.findIndex((x) => compare(x, after!, order) > 0) : 0;
  const rest = start < 0 ? [] : matching.slice(start);
  const page = rest.slice(0, limit);
  const hasMore = rest.length > limit;
  const last = page[page.length - 1];
  return {
    missions: page.map((x) => x.m),
    total: matching.length,
    hasMore,
    nextCursor: hasMore && last ? encodeCursor({ s: sort, o: order, f: fingerprint, k: last.key, i: last.id }) : null,
  };
}

