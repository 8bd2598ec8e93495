// A mission's runs, newest first, each with its outcome, what its agent reported, and how a person
// decided it when it needed approval; "Show output" reads the run with getRun.
import { useEffect, useState } from 'preact/hooks';
import type { BoardApi, Decision, Run, RunPage, RunStatus } from './api';
import { cents } from './numbers';
import { when } from './schedule';

const RUN_WORDS: Record<RunStatus, string> = {
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  timed_out: 'Timed out',
  lost: 'Lost (its worker died)',
  cancelled: 'Cancelled',
  awaiting_approval: 'Awaiting approval',
  rejected: 'Rejected',
  expired: 'Expired (nobody decided)',
  superseded: 'Superseded (the mission changed)',
};

/** Runs that never started an agent (approval requests): they have no output. */
const REQUESTS: ReadonlySet<RunStatus> = new Set(['awaiting_approval', 'rejected', 'expired', 'superseded']);

const statusWords = (run: Run) =>
  run.status === 'awaiting_approval' && run.decision?.decision === 'approve' ? 'Approved, waiting for a runner' : RUN_WORDS[run.status];

const VIA_WORDS: Record<Decision['via'], string> = { tool: 'with decideRun', board: 'on the board', elicitation: 'when asked' };

function DecisionLine({ decision }: { decision: Decision }) {
  return (
    <p class="run-decision">
      {decision.decision === 'approve' ? 'Approved' : 'Rejected'} by {decision.by.user} {VIA_WORDS[decision.via]}, {when(decision.at)}
      {decision.note && <>: <q>{decision.note}</q></>}
    </p>
  );
}

const duration = (ms: number | null) => (ms === null ? '—' : ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);

function RunOutput({ api, run }: { api: BoardApi; run: Run }) {
  const [output, setOutput] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!open) return;
    api.call<{ run: Run }>('getRun', { id: run.id }).then(
      (r) => setOutput(r.run.output || '(no output)'),
      (e: Error) => setOutput(`Could not read the output: ${e.message}`),
    );
  }, [open, run.status]);
  return (
    <>
      <button type="button" class="small" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? 'Hide output' : 'Show output'}
      </button>
      {open && <pre class="output" tabIndex={0} aria-label={`Output of run ${run.id}`}>{output ?? 'Loading…'}</pre>}
    </>
  );
}

export function RunHistory({ api, missionId, generation }: { api: BoardApi; missionId: string; generation: number }) {
  const [runs, setRuns] = useState<RunPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.call<RunPage>('listRuns', { missionId, limit: 20 }).then(setRuns, (e: Error) => setError(e.message));
  }, [missionId, generation]);
  if (error) return <p role="alert">{error}</p>;
  if (!runs) return <p class="muted">Loading runs…</p>;
  if (runs.runs.length === 0) return <p class="muted">No runs yet.</p>;
  return (
    <>
      <ol class="runs" aria-label="Runs, newest first">
        {runs.runs.map((run) => (
          <li key={run.id} class={`run run-${run.status}`}>
            <div class="run-head">
              <span class={`status status-run-${run.status}`}>{statusWords(run)}</span>
              <span>{when(run.startedAt)}</span>
              <span class="muted">
                {run.trigger}
                {run.attempt > 1 ? `, attempt ${run.attempt}` : ''} · {duration(run.durationMs)}
                {run.exitCode !== null ? ` · exit ${run.exitCode}` : ''}
                {run.costCents > 0 ? ` · ${cents(run.costCents)}` : ''}
              </span>
            </div>
            {run.report?.summary && <p class="run-summary">{run.report.summary}</p>}
            {run.decision && <DecisionLine decision={run.decision} />}
            {run.error && <p class="run-error">{run.error}</p>}
            {!REQUESTS.has(run.status) && <RunOutput api={api} run={run} />}
          </li>
        ))}
      </ol>
      {runs.total > runs.runs.length && <p class="muted">The newest {runs.runs.length} of {runs.total} runs.</p>}
    </>
  );
}
