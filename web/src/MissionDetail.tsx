// One mission in full: what it is for (goal, brief, plan), when it runs, what its runs reported
// (progress, KPIs with their trends, spend against budget), and what ran.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ToolError, type BoardApi, type Mission, type Progress } from './api';
import { KpiTable, ProgressSummary, hasProgress } from './Progress';
import { Actions, type Act } from './Actions';
import { RunHistory } from './RunHistory';
import { Field, Moment } from './Facts';
import { scheduleInWords, when } from './schedule';
import { STATUS_WORDS } from './status';

interface Props {
  api: BoardApi;
  id: string;
  generation: number;
  now: number;
  act: Act;
  onClose: () => void;
}

export function MissionDetail({ api, id, generation, now, act, onClose }: Props) {
  const [mission, setMission] = useState<Mission | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    api.call<{ mission: Mission; progress: Progress }>('getMission', { id, mode: 'full', expand: ['progress'] }).then(
      (r) => (setMission(r.mission), setProgress(r.progress), setError(null)),
      (e: Error) => setError(e instanceof ToolError && e.code === 'not_found' ? 'This mission is gone (deleted, or no longer visible to you).' : e.message),
    );
  }, [id, generation]);
  useEffect(() => heading.current?.focus(), [id, mission === null]);

  const close = (
    <button type="button" class="close" onClick={onClose} aria-label="Close the mission's detail">
      Close
    </button>
  );
  if (error) return <section class="detail" aria-label="Mission detail"><p role="alert">{error}</p>{close}</section>;
  if (!mission) return <section class="detail" aria-label="Mission detail"><p class="muted">Loading…</p></section>;
  const { brief, plan } = mission;
  return (
    <section class="detail" aria-labelledby="detail-title">
      <div class="detail-head">
        <h2 id="detail-title" tabIndex={-1} ref={heading}>
          <span aria-hidden="true">{mission.icon}</span> {mission.title}
        </h2>
        {close}
      </div>
      <p>
        <span class={`status status-${mission.status}`}>{STATUS_WORDS[mission.status]}</span>
      </p>
      <Actions mission={mission} act={act} />
      <dl class="facts">
        <Field term="Schedule">{scheduleInWords(mission.schedule)}</Field>
        <Field term="Next run"><Moment at={mission.schedule.nextRun} now={now} /></Field>
        <Field term="Last run"><Moment at={mission.schedule.lastRun} now={now} /></Field>
        <Field term="Runs">{mission.schedule.runCount}{mission.schedule.maxRuns !== null ? ` of ${mission.schedule.maxRuns}` : ''}</Field>
        <Field term="Agent">{mission.agentType}</Field>
        <Field term="Owner">{mission.owner.user}{mission.owner.org ? ` (${mission.owner.org})` : ''}, {mission.visibility}</Field>
        {(mission.startsAt || mission.endsAt) && <Field term="Window">{when(mission.startsAt)} to {when(mission.endsAt)}</Field>}
      </dl>
      {progress && hasProgress(progress) && <ProgressSummary progress={progress} now={now} />}
      {plan.kpis.length > 0 && (
        <>
          <h3>KPIs</h3>
          <KpiTable kpis={plan.kpis} progress={progress} />
        </>
      )}
      <h3>Goal</h3>
      <p class="goal">{mission.goal}</p>
      {(brief.targetAudience || brief.desiredAction || brief.offer) && (
        <>
          <h3>Brief</h3>
          <dl class="facts">
            {brief.targetAudience && <Field term="Audience">{brief.targetAudience}</Field>}
            {brief.desiredAction && <Field term="Desired action">{brief.desiredAction}</Field>}
            {brief.ctaUrl && <Field term="Call to action">{brief.ctaUrl}</Field>}
            {brief.toneInstructions && <Field term="Tone">{brief.toneInstructions}</Field>}
            {brief.offer && <Field term="Offer">{brief.offer.name}{brief.offer.summary ? `: ${brief.offer.summary}` : ''}</Field>}
          </dl>
        </>
      )}
      {(plan.objectives.length > 0 || plan.platforms.length > 0) && (
        <>
          <h3>Plan</h3>
          {plan.objectives.length > 0 && <ul>{plan.objectives.map((o) => <li key={o}>{o}</li>)}</ul>}
          {plan.platforms.length > 0 && <p>Platforms: {plan.platforms.join(', ')}</p>}
        </>
      )}
      <h3>Runs</h3>
      <RunHistory api={api} missionId={mission.id} generation={generation} />
    </section>
  );
}
