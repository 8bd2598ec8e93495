// listRuns as a pure function: newest first, filters, keyset pagination on (startedAt, id), so runs
// that start while a client pages never repeat or shift a page.
import { z } from 'zod';
import { cursorForOtherCall, decodeCursor, encodeCursor } from '../cursor.js';
import { MissionId, ModeInput } from '../mission/input.js';
import { RUN_STATUSES, type RunRecord } from './model.js';

const StatusFilter = z.enum(RUN_STATUSES);

/** The order of every list of runs, newest first: later startedAt first, then larger id (PostgreSQL's
 * ORDER BY started_at DESC, id DESC says the same). */
export function newerFirst(a: Pick<RunRecord, 'startedAt' | 'id'>, b: Pick<RunRecord, 'startedAt' | 'id'>): number {
  if (a.startedAt !== b.startedAt) return a.startedAt > b.startedAt ? -1 : 1;
  return a.id === b.id ? 0 : a.id > b.id ? -1 : 1;
}

/** What listRunsPage reads: the runs in the two orders an in-memory store keeps them in. */
export interface RunOrders {
  /** Every run, newest first (newerFirst). */
  newestFirst(): readonly RunRecord[];
  /** One mission's runs, oldest first. */
  ofMission(missionId: string): readonly RunRecord[];
}

export const ListRunsInput = z.strictObject({
  missionId: MissionId.optional().describe('only this mission\'s runs'),
  status: z.union([StatusFilter, z.array(StatusFilter).min(1).max(RUN_STATUSES.length)]).optional().describe('a run status or a list'),
  limit: z.number().int().min(1).max(100).optional().describe('page size, default 20').meta({ keepLimits: true }),
  cursor: z.string().max(500).optional().describe('nextCursor of the previous page, same filters'),
  mode: ModeInput,
}).meta({ limitsInDescription: true });
export type ListRunsInput = z.infer<typeof ListRunsInput>;

/** A listRuns question as a store takes it: the tool's input without `mode` (how the tool renders the answer). */
export type RunQuery = Omit<ListRunsInput, 'mode'>;

export interface RunPage {
  runs: RunRecord[];
  total: number;
  hasMore: boolean;
  nextCursor: string | null;
}

/** startedAt (s) and id (i) of the last run answered, and the fingerprint (f) of the filters. */
interface Cursor {
  f: string;
  s: string;
  i: string;
}

function decode(cursor: string, fingerprint: string): Cursor {
  const c = decodeCursor<Cursor>(cursor, 'listRuns', (d) => typeof d.s === 'string' && typeof d.i === 'string');
  if (c.f !== fingerprint) throw cursorForOtherCall('listRuns', 'filters');
  return c;
}

const statusesOf = (input: RunQuery): Set<string> | undefined =>
  input.status === undefined ? undefined : new Set<string>(Array.isArray(input.status) ? input.status : [input.status]);

function fingerprintOf(input: RunQuery, statuses = statusesOf(input)): string {
  return JSON.stringify([input.missionId ?? null, statuses ? [...statuses].sort() : null]);
}

const encode = (fingerprint: string, last: RunRecord) => encodeCursor({ f: fingerprint, s: last.startedAt, i: last.id });

/** The cursor that continues a list right after `last` (a page cut short by the answer bound). */
export const runCursorAfter = (input: RunQuery, last: RunRecord): string => encode(fingerprintOf(input), last);

/** One page of the runs of missions that pass `visible`, newest first. */
export interface RunPageRequest {
  limit: number;
  missionId: string | undefined;
  statuses: Set<string> | undefined;
  fingerprint: string;
  /** startedAt (s) and id (i) of the last run of the previous page. */
  after: { s: string; i: string } | undefined;
}

/** What a listRuns call asks for, its cursor checked against its filters. */
export function runPageRequest(input: RunQuery): RunPageRequest {
  const { limit = 20, cursor, missionId } = input;
  const statuses = statusesOf(input);
  const fingerprint = fingerprintOf(input, statuses);
  const after = cursor === undefined ? undefined : decode(cursor, fingerprint);
  return { limit, missionId, statuses, fingerprint, after };
}

/** A page of runs with the cursor that continues it (shared by every store). */
export function runPageOf(runs: RunRecord[], total: number, hasMore: boolean, fingerprint: string): RunPage {
  const last = runs[runs.length - 1];
  return { runs, total, hasMore, nextCursor: hasMore && last ? encode(fingerprint, last) : null };
}

export function listRunsPage(runs: RunOrders, input: RunQuery, visible: (missionId: string) => boolean): RunPage {
  const { limit, missionId, statuses, fingerprint, after } = runPageRequest(input);
  const source: readonly RunRecord[] = missionId ? [...runs.ofMission(missionId)].reverse() : runs.newestFirst();
  const page: RunRecord[] = [];
  let total = 0;
  let hasMore = false;
  for (const r of source) {
    if (statuses && !statuses.has(r.status)) continue;
    if (!missionId && !visible(r.missionId)) continue;
    total++;
    if (after && newerFirst(r, { startedAt: after.s, id: after.i }) <= 0) continue;
    if (page.length === limit) hasMore = true;
    else page.push(r);
  }
  return runPageOf(page, total, hasMore, fingerprint);
}
