// One page of missions: each a row with its status, schedule in words, next and last run, and the
// buttons that steer it. The title opens the mission's detail.
import type { Mission } from './api';
import { relative, scheduleInWords, when } from './schedule';
import { Actions, type Act } from './Actions';
import { STATUS_WORDS } from './status';

interface Props {
  missions: readonly Mission[];
  now: number;
  selectedId: string | null;
  onOpen: (id: string) => void;
  act: Act;
}

export function MissionList({ missions, now, selectedId, onOpen, act }: Props) {
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
          </div>
          <dl class="facts">
            <div>
              <dt>Schedule</dt>
              <dd class="schedule">{scheduleInWords(m.schedule)}</dd>
            </div>
            <div>
              <dt>Next run</dt>
              <dd>
                {when(m.schedule.nextRun)} <span class="muted">{relative(m.schedule.nextRun, now)}</span>
              </dd>
            </div>
            <div>
              <dt>Last run</dt>
              <dd>
                {when(m.schedule.lastRun)} <span class="muted">{relative(m.schedule.lastRun, now)}</span>
              </dd>
            </div>
            <div>
              <dt>Agent</dt>
              <dd>{m.agentType}</dd>
            </div>
          </dl>
          <Actions mission={m} act={act} />
        </li>
      ))}
    </ul>
  );
}
