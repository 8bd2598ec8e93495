// The board's data, kept fresh by polling: every few seconds one cheap probe (the most recently
// changed mission and the newest run, with their totals) says whether anything changed; only then
// are the visible page, the timeline, the approval queue and the open mission read again. Reads go
// through the same tools as any agent, so the board sees exactly what the caller may see.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { BoardApi, CompactRun, Mission, MissionPage, RunPage } from './api';

export const PAGE_SIZE = 50;
export const POLL_MS = 3000;
/** The timeline reads at most this many pages of 100 missions due within its window. */
const TIMELINE_PAGES = 10;
/** The queue reads at most this many pages of 100 open approval requests. */
const REQUEST_PAGES = 5;
const WEEK_MS = 7 * 24 * 3600 * 1000;

export interface Filters {
  status: string;
  agentType: string;
  query: string;
  sort: 'createdAt' | 'nextRun' | 'title' | 'updatedAt';
}

export const NO_FILTERS: Filters = { status: '', agentType: '', query: '', sort: 'createdAt' };

function filterArgs(f: Filters): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  if (f.status) args.status = f.status;
  if (f.agentType) args.agentType = f.agentType;
  if (f.query.trim()) args.query = f.query.trim();
  return args;
}

export interface BoardData {
  page: MissionPage | null;
  /** Missions with a run in the coming week (or overdue), for the timeline. */
  upcoming: Mission[];
  /** More than the timeline could read. */
  upcomingCut: boolean;
  /** Approval requests that wait for a person, the soonest to expire first. */
  requests: CompactRun[];
  /** More open requests than the queue could read. */
  requestsCut: boolean;
  error: string | null;
  loadedAt: number | null;
  /** Bumped whenever a probe sees a change, so that open details re-read too. */
  generation: number;
}

async function readUpcoming(api: BoardApi, f: Filters, now: number): Promise<{ missions: Mission[]; cut: boolean }> {
  const missions: Mission[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < TIMELINE_PAGES; i++) {
    const page = await api.call<MissionPage>('listMissions', {
      ...filterArgs({ ...f, status: '' }),
      status: 'active',
      dueBefore: new Date(now + WEEK_MS).toISOString(),
      sort: 'nextRun',
      order: 'asc',
      limit: 100,
      ...(cursor && { cursor }),
    });
    missions.push(...page.missions);
    if (!page.hasMore || !page.nextCursor) return { missions, cut: false };
    cursor = page.nextCursor;
  }
  return { missions, cut: true };
}

/**
 * The open approval requests nobody has decided yet (SPEC §15), read in compact form (id, mission,
 * expiry): the queue reads each one's prompt itself. An approved request waiting for a runner is not
 * in the queue; its mission's runs show it.
 */
async function readRequests(api: BoardApi): Promise<{ requests: CompactRun[]; cut: boolean }> {
  const requests: CompactRun[] = [];
  let cursor: string | undefined;
  let cut = true;
  for (let i = 0; i < REQUEST_PAGES; i++) {
    const page = await api.call<RunPage<CompactRun>>('listRuns', { status: 'awaiting_approval', mode: 'compact', limit: 100, ...(cursor && { cursor }) });
    requests.push(...page.runs.filter((r) => r.decision === undefined));
    if (!page.hasMore || !page.nextCursor) {
      cut = false;
      break;
    }
    cursor = page.nextCursor;
  }
  const expiry = (r: CompactRun) => r.expiresAt ?? r.startedAt;
  requests.sort((a, b) => (expiry(a) < expiry(b) ? -1 : expiry(a) > expiry(b) ? 1 : 0));
  return { requests, cut };
}

async function probe(api: BoardApi): Promise<string> {
  const [missions, runs, requests] = await Promise.all([
    api.call<MissionPage>('listMissions', { sort: 'updatedAt', order: 'desc', limit: 1 }),
    api.call<RunPage>('listRuns', { limit: 1 }),
    // a request that ends (decided, expired, voided) is not always the newest run
    api.call<RunPage<CompactRun>>('listRuns', { status: 'awaiting_approval', mode: 'compact', limit: 1 }),
  ]);
  const m = missions.missions[0];
  const r = runs.runs[0];
  return [missions.total, m?.id, m?.updatedAt, runs.total, r?.id, r?.status, requests.total, requests.runs[0]?.id].join('|');
}

export function useBoard(api: BoardApi, filters: Filters, cursor: string | undefined, onAuthError: (e: unknown) => boolean) {
  const [data, setData] = useState<BoardData>({ page: null, upcoming: [], upcomingCut: false, requests: [], requestsCut: false, error: null, loadedAt: null, generation: 0 });
  const signature = useRef<string>('');
  const busy = useRef(false);
  const again = useRef(false);

  const load = useCallback(async () => {
    const now = Date.now();
    const [page, upcoming, open] = await Promise.all([
      api.call<MissionPage>('listMissions', {
        ...filterArgs(filters),
        sort: filters.sort,
        order: filters.sort === 'title' || filters.sort === 'nextRun' ? 'asc' : 'desc',
        limit: PAGE_SIZE,
        ...(cursor && { cursor }),
      }),
      readUpcoming(api, filters, now),
      readRequests(api),
    ]);
    setData((d) => ({
      page,
      upcoming: upcoming.missions,
      upcomingCut: upcoming.cut,
      requests: open.requests,
      requestsCut: open.cut,
      error: null,
      loadedAt: now,
      generation: d.generation + 1,
    }));
  }, [api, filters, cursor]);

  const refresh = useCallback(
    async (force: boolean) => {
      if (busy.current) {
        again.current ||= force; // filters changed mid-read: read once more afterwards
        return;
      }
      busy.current = true;
      try {
        const seen = await probe(api);
        const stale = data.loadedAt === null || Date.now() - data.loadedAt > 60_000; // the timeline moves with time
        if (force || seen !== signature.current || stale) {
          signature.current = seen;
          await load();
        }
      } catch (error) {
        if (!onAuthError(error)) setData((d) => ({ ...d, error: (error as Error).message }));
      } finally {
        busy.current = false;
      }
      if (again.current) {
        again.current = false;
        await refreshRef.current(true);
      }
    },
    [api, load, onAuthError, data.loadedAt],
  );
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;

  useEffect(() => {
    void refreshRef.current(true);
  }, [load]);
  useEffect(() => {
    const timer = setInterval(() => void refreshRef.current(false), POLL_MS);
    return () => clearInterval(timer);
  }, []);

  return { data, refresh: () => refreshRef.current(true) };
}
