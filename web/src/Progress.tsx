// What a mission's runs reported (SPEC §16): percent and stage, the latest summary, run counts, and
// spend against budget; then each KPI's current value against its target with its trend and a small
// chart of its last reports. Everything reported is user text and is rendered as text.
import type { Kpi, Progress as ProgressData, Trend } from './api';
import { Field, Moment } from './Facts';
import { cents, num } from './numbers';
import { Sparkline } from './Sparkline';

const TREND: Record<Trend, { arrow: string; words: string }> = {
  improving: { arrow: '↗', words: 'Improving' },
  declining: { arrow: '↘', words: 'Declining' },
  flat: { arrow: '→', words: 'Flat' },
  unknown: { arrow: '·', words: 'Unknown' },
};

/** True when the runs have reported anything, or there is spend or a budget to show. */
export const hasProgress = (p: ProgressData): boolean =>
  p.percent !== null || p.stage !== null || p.summary !== null || p.spend.costCents > 0 || p.spend.budgetCents !== null || p.runs.total > 0;

function Spend({ spend }: { spend: ProgressData['spend'] }) {
  const { costCents, budgetCents, remainingCents } = spend;
  if (budgetCents === null) return <span class="spend">{cents(costCents)} spent, no budget set</span>;
  return (
    <>
      <span class="spend">
        {num(costCents)} of {cents(budgetCents)}
        {remainingCents === 0 ? ' (budget spent: no run starts until it is raised)' : ` (${num(remainingCents ?? 0)} left)`}
      </span>
      <meter class="spend-meter" min={0} max={Math.max(budgetCents, 1)} value={costCents} low={budgetCents * 0.75} high={budgetCents * 0.9} optimum={0} aria-label="Spend against budget" />
    </>
  );
}

export function ProgressSummary({ progress, now }: { progress: ProgressData; now: number }) {
  const p = progress;
  return (
    <section class="progress-box" aria-labelledby="progress-title">
      <h3 id="progress-title">Progress</h3>
      {p.percent !== null && (
        <div class="percent">
          <progress max={100} value={p.percent} aria-label="Progress reported">{p.percent}%</progress>
          <strong class="percent-value">{num(p.percent)}%</strong>
          {p.stage && <span class="stage">stage: {p.stage}</span>}
        </div>
      )}
      {p.percent === null && p.stage && <p class="stage">Stage: {p.stage}</p>}
      {p.summary && <p class="summary">{p.summary}</p>}
      <dl class="facts">
        {p.reportedAt && <Field term="Last report"><Moment at={p.reportedAt} now={now} /></Field>}
        <Field term="Outcomes">
          {p.runs.succeeded} succeeded, {p.runs.failed} failed of {p.runs.total} run{p.runs.total === 1 ? '' : 's'} kept
        </Field>
        <Field term="Spend" valueClass="spend-field"><Spend spend={p.spend} /></Field>
      </dl>
    </section>
  );
}

/** The plan's KPIs with their progress (zipped by position: the server answers one entry per plan KPI, in order). */
export function KpiTable({ kpis, progress }: { kpis: readonly Kpi[]; progress: ProgressData | null }) {
  return (
    <div class="kpis-wrap">
      <table class="kpis">
        <thead>
          <tr><th scope="col">Metric</th><th scope="col">Current</th><th scope="col">Target</th><th scope="col">Trend</th><th scope="col">Platform</th></tr>
        </thead>
        <tbody>
          {kpis.map((k, i) => {
            const kp = progress?.kpiProgress[i];
            const trend = kp ? TREND[kp.trend] : null;
            return (
              <tr key={`${k.metric}-${k.platform}`}>
                <th scope="row">{k.metric}</th>
                <td>{k.current ?? '—'}</td>
                <td>{k.target ?? '—'}</td>
                <td class={`trend trend-${kp?.trend ?? 'unknown'}`}>
                  {kp && <Sparkline metric={k.metric} values={kp.history.map((h) => h.value)} target={kp.target} />}
                  {trend ? (
                    <span class="trend-words">
                      <span aria-hidden="true">{trend.arrow}</span> {trend.words}
                    </span>
                  ) : (
                    '—'
                  )}
                </td>
                <td>{k.platform ?? '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
