// One approval request in the queue (SPEC §15): which mission, the agent command and folder, the exact
// prompt the agent would get, when it expires, and Approve / Reject with an optional note. The request
// and its mission are read once per request: a change to what the agent would get voids the request
// (it leaves the queue), so what is shown stays what is decided.
import { useEffect, useState } from 'preact/hooks';
import type { BoardApi, CompactRun, Run } from './api';
import { Moment } from './Facts';
import { when } from './schedule';

export type Decide = (request: { id: string; title: string }, decision: 'approve' | 'reject', note: string) => Promise<void>;

interface Props {
  api: BoardApi;
  request: CompactRun;
  now: number;
  /** Bumped when the board reads again: a request whose first read failed tries again then. */
  generation: number;
  decide: Decide;
  onOpen: (missionId: string) => void;
}

type Loaded = { run: Run; title: string; icon: string };

const NOTE_MAX = 2000;
const TRIGGER_WORDS: Record<string, string> = { schedule: 'its schedule', manual: 'Run now', retry: 'a retry' };

export function ApprovalRequest({ api, request, now, generation, decide, onOpen }: Props) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (loaded) return;
    Promise.all([
      api.call<{ run: Run }>('getRun', { id: request.id, mode: 'full' }),
      api.call<{ mission: { title: string; icon?: string } }>('getMission', { id: request.missionId, mode: 'compact' }),
    ]).then(
      ([{ run }, { mission }]) => (setLoaded({ run, title: mission.title, icon: mission.icon ?? '🎯' }), setProblem(null)),
      (e: Error) => setProblem(`Could not read this request: ${e.message}`),
    );
  }, [request.id, problem === null ? 0 : generation]);

  const headingId = `request-${request.id}`;
  if (!loaded) {
    return (
      <li class="request" aria-busy={problem === null}>
        {problem ? <p role="alert">{problem}</p> : <p class="muted">Loading request…</p>}
      </li>
    );
  }
  const { run, title, icon } = loaded;
  const act = async (decision: 'approve' | 'reject') => {
    setBusy(true);
    try {
      await decide({ id: run.id, title }, decision, note.trim());
    } finally {
      setBusy(false);
    }
  };
  const prompt = run.prompt ?? null;
  return (
    <li class="request" data-run-id={run.id} aria-labelledby={headingId}>
      <h3 id={headingId} class="request-title">
        <span aria-hidden="true">{icon}</span>{' '}
        <button type="button" class="link" onClick={() => onOpen(run.missionId)}>
          {title}
        </button>
      </h3>
      <dl class="facts">
        <div>
          <dt>Agent command</dt>
          <dd><code class="command">{run.approval?.command ?? '—'}</code></dd>
        </div>
        <div>
          <dt>Folder</dt>
          <dd><code>{run.approval?.cwd ?? '—'}</code></dd>
        </div>
        <div>
          <dt>Expires</dt>
          <dd class="expires"><Moment at={run.approval?.expiresAt ?? null} now={now} /></dd>
        </div>
        <div>
          <dt>Asked</dt>
          <dd>{when(run.startedAt)}, by {TRIGGER_WORDS[run.trigger] ?? run.trigger}</dd>
        </div>
      </dl>
      {prompt !== null ? (
        <details class="prompt-box" open>
          <summary>The prompt to approve</summary>
          <pre class="prompt" tabIndex={0} aria-label={`The prompt to approve for ${title}`}>{prompt}</pre>
        </details>
      ) : (
        <p class="error">The mission changed since this request opened, so its agent would get another prompt: a runner will replace it with a new request. It cannot be approved.</p>
      )}
      <label class="note">
        Note (optional, kept with your decision)
        <textarea rows={2} maxLength={NOTE_MAX} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </label>
      <div class="actions">
        <button type="button" class="action approve" disabled={busy || prompt === null} onClick={() => void act('approve')} aria-label={`Approve the run of ${title}`}>
          Approve
        </button>
        <button type="button" class="action danger" disabled={busy} onClick={() => void act('reject')} aria-label={`Reject the run of ${title}`}>
          Reject
        </button>
      </div>
    </li>
  );
}
