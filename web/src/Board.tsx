// The mission board: the approval queue, filters, the coming week, a page of missions, and the open
// mission's detail.
// It needs only a BoardApi, so the same board runs in a browser tab and inside an MCP host.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { FROM_BOARD, type BoardApi, type Mission } from './api';
import type { Act, Action } from './Actions';
import { ApprovalQueue } from './ApprovalQueue';
import type { Decide } from './ApprovalRequest';
import { ConfirmDelete } from './ConfirmDelete';
import { Filters } from './Filters';
import { MissionDetail } from './MissionDetail';
import { MissionList } from './MissionList';
import { Timeline } from './Timeline';
import { NO_FILTERS, PAGE_SIZE, useBoard, type Filters as FilterValues } from './use-board';

interface Props {
  api: BoardApi;
  /** True when the error was about the token and has been dealt with (the page asks again). */
  onAuthError?: (error: unknown) => boolean;
  /** Extra controls for the header (the tab's "Forget token"). */
  toolbar?: ComponentChildren;
  /** A mission to open (the MCP App opens the one getMission returned). */
  openId?: string | null;
}

const DONE: Record<Action, string> = { pause: 'Paused', resume: 'Resumed', run: 'Queued to run now', delete: 'Deleted' };
const TOOL: Record<Action, string> = { pause: 'pauseMission', resume: 'resumeMission', run: 'runMission', delete: 'deleteMission' };

export function Board({ api, onAuthError = () => false, toolbar, openId = null }: Props) {
  const [filters, setFilters] = useState<FilterValues>(NO_FILTERS);
  const [cursors, setCursors] = useState<string[]>([]); // the cursor of each page before this one
  const [selected, setSelected] = useState<string | null>(openId);
  const [confirming, setConfirming] = useState<Mission | null>(null);
  const [message, setMessage] = useState('');
  const [now, setNow] = useState(Date.now());
  const { data, refresh } = useBoard(api, filters, cursors[cursors.length - 1], onAuthError);

  useEffect(() => setSelected(openId), [openId]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => setNow(Date.now()), [data.loadedAt]);

  const changeFilters = (f: FilterValues) => {
    setCursors([]);
    setFilters(f);
  };

  const perform = useCallback(
    async (action: Action, mission: Mission, force = false) => {
      try {
        const result = await api.call<{ warnings?: string[] }>(TOOL[action], { id: mission.id, ...(force && { force: true }) });
        setMessage(`${DONE[action]}: ${mission.title}.${result.warnings?.length ? ` ${result.warnings.join(' ')}` : ''}`);
        if (action === 'delete' && selected === mission.id) setSelected(null);
      } catch (error) {
        if (!onAuthError(error)) setMessage(`Could not ${action === 'run' ? 'run' : action} “${mission.title}”: ${(error as Error).message}`);
      }
      await refresh();
    },
    [api, selected, refresh, onAuthError],
  );

  const act: Act = (action, mission) => (action === 'delete' ? setConfirming(mission) : void perform(action, mission));

  // The decision records via "board" (SPEC §15): the call says where it came from in its _meta.
  const decide: Decide = useCallback(
    async (request, decision, note) => {
      try {
        await api.call('decideRun', { id: request.id, decision, ...(note && { note }) }, FROM_BOARD);
        setMessage(decision === 'approve' ? `Approved: ${request.title}. The next runner starts it.` : `Rejected: ${request.title}. This run is skipped.`);
      } catch (error) {
        if (!onAuthError(error)) setMessage(`Could not ${decision} the run of “${request.title}”: ${(error as Error).message}`);
      }
      await refresh();
    },
    [api, refresh, onAuthError],
  );
  const awaiting = useMemo(() => new Set(data.requests.map((r) => r.missionId)), [data.requests]);

  const page = data.page;
  const first = cursors.length * PAGE_SIZE + 1;
  return (
    <div class="board">
      <header class="top">
        <h1>Missions</h1>
        <p class="muted" aria-live="polite">
          {page ? `${page.total} mission${page.total === 1 ? '' : 's'}` : 'Loading…'}
          {data.loadedAt && ` · updated ${new Date(data.loadedAt).toLocaleTimeString()}`}
        </p>
        {toolbar}
      </header>
      <p class="message" role="status" aria-live="polite">
        {message}
      </p>
      {data.error && (
        <p class="error" role="alert">
          {data.error}
        </p>
      )}
      <ApprovalQueue api={api} requests={data.requests} cut={data.requestsCut} now={now} generation={data.generation} decide={decide} onOpen={setSelected} />
      <Filters value={filters} onChange={changeFilters} />
      <Timeline missions={data.upcoming} now={now} cut={data.upcomingCut} onOpen={setSelected} />
      <div class={`panes${selected ? ' with-detail' : ''}`}>
        <main class="list" aria-labelledby="list-title">
          <h2 id="list-title">All missions</h2>
          {page && <MissionList missions={page.missions} now={now} selectedId={selected} awaiting={awaiting} onOpen={setSelected} act={act} />}
          {page && (page.hasMore || cursors.length > 0) && (
            <nav class="pager" aria-label="Pages">
              <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
                Previous page
              </button>
              <span>
                {first}–{first + page.missions.length - 1} of {page.total}
              </span>
              <button type="button" disabled={!page.hasMore} onClick={() => page.nextCursor && setCursors([...cursors, page.nextCursor])}>
                Next page
              </button>
            </nav>
          )}
        </main>
        {selected && <MissionDetail api={api} id={selected} generation={data.generation} now={now} act={act} onClose={() => setSelected(null)} />}
      </div>
      {confirming && (
        <ConfirmDelete
          mission={confirming}
          onAnswer={(yes) => {
            const mission = confirming;
            setConfirming(null);
            if (yes) void perform('delete', mission, mission.status === 'running');
            else setMessage(`Kept “${mission.title}”.`);
          }}
        />
      )}
    </div>
  );
}
