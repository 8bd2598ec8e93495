// The coming seven days, a column per day (a list on a phone), with the runs each day will see.
import type { Mission } from './api';
import { dayName, scheduleInWords, timeOfDay, timeline } from './schedule';

const SHOWN = 8;

export function Timeline({ missions, now, cut, onOpen }: { missions: readonly Mission[]; now: number; cut: boolean; onOpen: (id: string) => void }) {
  const { days, frequent } = timeline(missions, new Date(now));
  return (
    <section class="timeline" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Next 7 days</h2>
      {frequent.length > 0 && (
        <p class="continuous">
          More often than hourly:{' '}
          {frequent.map((m, i) => (
            <span key={m.id}>
              {i > 0 && '; '}
              <button type="button" class="link" onClick={() => onOpen(m.id)}>
                {m.icon} {m.title}
              </button>{' '}
              <span class="muted">({scheduleInWords(m.schedule)})</span>
            </span>
          ))}
        </p>
      )}
      <ol class="days">
        {days.map(({ day, slots }) => (
          <li key={day.toISOString()} class="day">
            <h3>
              {dayName(day)} <span class="count">{slots.length === 1 ? '1 run' : `${slots.length} runs`}</span>
            </h3>
            <ul>
              {slots.slice(0, SHOWN).map((slot) => (
                <li key={`${slot.mission.id}-${slot.at.getTime()}`}>
                  <time dateTime={slot.at.toISOString()}>{timeOfDay(slot.at)}</time>{' '}
                  <button type="button" class="link" onClick={() => onOpen(slot.mission.id)}>
                    {slot.mission.icon} {slot.mission.title}
                  </button>
                </li>
              ))}
              {slots.length > SHOWN && <li class="muted">and {slots.length - SHOWN} more</li>}
            </ul>
          </li>
        ))}
      </ol>
      {cut && <p class="muted">Only the first 1,000 missions due this week are shown; narrow the filters to see the rest.</p>}
    </section>
  );
}
