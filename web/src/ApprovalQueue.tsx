// The queue of approval requests (SPEC §15): every run the viewer may see that waits for a person's yes,
// the soonest to expire first. Shown only when something waits; ten at a time.
import { useState } from 'preact/hooks';
import type { BoardApi, CompactRun } from './api';
import { ApprovalRequest, type Decide } from './ApprovalRequest';

const STEP = 10;

interface Props {
  api: BoardApi;
  requests: readonly CompactRun[];
  /** More open requests than the board read. */
  cut: boolean;
  now: number;
  generation: number;
  decide: Decide;
  onOpen: (missionId: string) => void;
}

export function ApprovalQueue({ api, requests, cut, now, generation, decide, onOpen }: Props) {
  const [shown, setShown] = useState(STEP);
  if (requests.length === 0) return null;
  const count = `${requests.length}${cut ? '+' : ''}`;
  return (
    <section class="queue" aria-labelledby="queue-title">
      <h2 id="queue-title">Waiting for approval</h2>
      <p class="muted">
        {count} run{requests.length === 1 ? ' waits' : 's wait'} for a person's yes before {requests.length === 1 ? 'its agent starts' : 'their agents start'}. Approve
        lets the next runner start it with the prompt shown; Reject skips that run.
      </p>
      <ol class="requests" aria-label="Approval requests">
        {requests.slice(0, shown).map((r) => (
          <ApprovalRequest key={r.id} api={api} request={r} now={now} generation={generation} decide={decide} onOpen={onOpen} />
        ))}
      </ol>
      {requests.length > shown && (
        <button type="button" onClick={() => setShown(shown + STEP)}>
          Show {Math.min(STEP, requests.length - shown)} more of {requests.length - shown} waiting
        </button>
      )}
    </section>
  );
}
