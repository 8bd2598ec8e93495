// One page of missions: each a row with its status (and a badge when a run awaits approval), schedule
// in words, next and last run, and the buttons that steer it. The title opens the mission's detail.
import type { Mission } from './api';
import { Field, Moment } from './Facts';
import { scheduleInWords } from './schedule';
import { Actions, type Act } from './Actions';
import { STATUS_WORDS } from './status';

interface Props {
  missions: readonly Mission[];
  now: number;
  selectedId: string | null;
  /** Missions with an approval request that waits for a person. */
  awaiting: ReadonlySet<string>;
  onOpen: (id: string) => void;
  act: Act;
}

export function MissionList({ missions, now, selectedId, awaiting, onOpen, act }: Props) {
  if (missions.length === 0) return <p class="empty">No missions match.</p>;
  return (
    <ul class="missions" aria-label="Missions">
      {missions.map((m) => (
        <li key={m.id} class={`mission${m.id === selectedId ? ' selected' : ''}`} data-mission-id={m.id}>
          <div class="mission-head">
            <span class="icon" aria-hidden="true">
              {m.icon}
            </span>
            <button type="button" class="link title" onClick={() => onOpen(m.id)} aria-expanded={m.id === selectedId}>
              {m.title}
            </button>
            <span class={`status status-${m.status}`} title={STATUS_WORDS[m.status]}>
              {STATUS_WORDS[m.status]}
            </span>
            {awaiting.has(m.id) && <span class="badge awaiting">Awaits approval</span>}
          </div>
          <dl class="facts">
            <Field term="Schedule" valueClass="schedule">{scheduleInWords(m.schedule)}</Field>
            <Field term="Next run"><Moment at={m.schedule.nextRun} now={now} /></Field>
            <Field term="Last run"><Moment at={m.schedule.lastRun} now={now} /></Field>
            <Field term="Agent">{m.agentType}</Field>
          </dl>
          <Actions mission={m} act={act} />
        </li>
      ))}
    </ul>
  );
}
