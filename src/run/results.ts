// What runs report (SPEC §16) as pure rules: a report sets the run's latest values and each named KPI's
// `current`, and adds spend; progress is read back from the mission and its kept runs; the budget stops
// new runs. Spend is kept as a running total on each run record (`spentCents`: the mission's spend so
// far), so pruning old runs (the newest 100 are kept) never loses it: the newest run always holds it.
import { dottedPath, invalidRequest, type Issue } from '../errors.js';
import type { Mission } from '../mission/model.js';
import { isRequest, type Report, type RunRecord } from './model.js';

export interface ReportInput {
  summary?: string | undefined;
  kpis?: Record<string, number> | undefined;
  progressPercent?: number | undefined;
  stage?: string | undefined;
  costCents?: number | undefined;
}

/** The mission's spend so far: the largest running total on its runs (totals only grow). */
export function missionSpend(runs: readonly RunRecord[]): number {
  let spent = 0;
  for (const r of runs) spent = Math.max(spent, r.spentCents ?? 0);
  return spent;
}

/** True when the mission has a budget and its spend has reached it: the runner starts nothing more. */
export function budgetSpent(m: Pick<Mission, 'plan'>, spent: number): boolean {
  const budget = m.plan.constraints.budgetCents;
  return budget !== null && spent >= budget;
}

export const budgetWarning = (spent: number, budget: number): string =>
  `budget spent: ${spent} of ${budget} cents (plan.constraints.budgetCents); no run starts until you raise the budget (updateMission) and resumeMission`;

/**
 * A report applied to a running run and its mission. Every KPI it names must be one of the mission's
 * (plan.kpis), so that nothing reported is dropped; throws invalid_request naming the unknown ones.
 */
export function applyReport(m: Mission, r: RunRecord, input: ReportInput, spentBefore: number, now: Date): { mission: Mission; run: RunRecord } {
  const kpis = input.kpis ?? {};
  const known = new Set(m.plan.kpis.map((k) => k.metric));
  const unknown: Issue[] = Object.keys(kpis)
    .filter((metric) => !known.has(metric))
    .map((metric) => ({
      path: dottedPath(['kpis', metric]),
      message: `"${metric}" is not a KPI of mission ${m.id} (${known.size ? `its plan.kpis: ${[...known].join(', ')}` : 'it has no plan.kpis'}); add it with updateMission first`,
    }));
  if (unknown.length) throw invalidRequest(unknown, 'report');
  const before: Report = r.report ?? { summary: null, progressPercent: null, stage: null, kpis: {}, reportedAt: now.toISOString() };
  const report: Report = {
    summary: input.summary ?? before.summary,
    progressPercent: input.progressPercent ?? before.progressPercent,
    stage: input.stage ?? before.stage,
    kpis: { ...before.kpis, ...kpis },
    reportedAt: now.toISOString(),
  };
  const cost = input.costCents ?? 0;
  const run: RunRecord = { ...r, report, costCents: (r.costCents ?? 0) + cost, spentCents: spentBefore + cost };
  const changedKpis = Object.keys(kpis).length > 0;
  const mission: Mission = changedKpis
    ? // Own keys only: a KPI named "constructor" or "toString" is not in every report.
      { ...m, plan: { ...m.plan, kpis: m.plan.kpis.map((k) => (Object.hasOwn(kpis, k.metric) ? { ...k, current: kpis[k.metric]! } : k)) }, updatedAt: now.toISOString() }
    : { ...m, updatedAt: now.toISOString() };
  return { mission, run };
}

export type Trend = 'improving' | 'declining' | 'flat' | 'unknown';

/**
 * From the last 3 values (oldest first): toward the target or away from it; with no target, rising is
 * improving. Fewer than two values: unknown.
 */
export function trendOf(values: readonly number[], target: number | null): Trend {
  const last = values.slice(-3);
  if (last.length < 2) return 'unknown';
  const first = last[0]!;
  const latest = last[last.length - 1]!;
  const gain = target === null ? latest - first : Math.abs(target - first) - Math.abs(target - latest);
  return gain > 0 ? 'improving' : gain < 0 ? 'declining' : 'flat';
}

export const HISTORY_KEPT = 10;

export interface KpiProgress {
  metric: string;
  target: number | null;
  current: number | null;
  trend: Trend;
  history: { value: number; at: string; runId: string }[];
}

export type Progress = {
  percent: number | null;
  stage: string | null;
  summary: string | null;
  reportedAt: string | null;
  kpiProgress: KpiProgress[];
  runs: { total: number; succeeded: number; failed: number; lastRun: string | null; nextRun: string | null };
  spend: { costCents: number; budgetCents: number | null; remainingCents: number | null };
};

const FAILED = new Set(['failed', 'timed_out', 'lost']);

/** getMission { expand: ["progress"] }: the latest report, each KPI's history (one value per run, newest last), run counts, spend. */
export function progressOf(m: Mission, runs: readonly RunRecord[]): Progress {
  const reported = runs.filter((r) => r.report);
  const latest = reported[reported.length - 1]?.report ?? null;
  const kpiProgress = m.plan.kpis.map((k): KpiProgress => {
    const history = reported
      .filter((r) => Object.hasOwn(r.report!.kpis, k.metric))
      .map((r) => ({ value: r.report!.kpis[k.metric]!, at: r.report!.reportedAt, runId: r.id }))
      .slice(-HISTORY_KEPT);
    return { metric: k.metric, target: k.target, current: k.current, trend: trendOf(history.map((h) => h.value), k.target), history };
  });
  const agentRuns = runs.filter((r) => !isRequest(r));
  const spent = missionSpend(runs);
  const budget = m.plan.constraints.budgetCents;
  return {
    percent: latest?.progressPercent ?? null,
    stage: latest?.stage ?? null,
    summary: latest?.summary ?? null,
    reportedAt: latest?.reportedAt ?? null,
    kpiProgress,
    runs: {
      total: agentRuns.length,
      succeeded: agentRuns.filter((r) => r.status === 'succeeded').length,
      failed: agentRuns.filter((r) => FAILED.has(r.status)).length,
      lastRun: m.schedule.lastRun,
      nextRun: m.schedule.nextRun,
    },
    spend: { costCents: spent, budgetCents: budget, remainingCents: budget === null ? null : Math.max(0, budget - spent) },
  };
}

/** The run a new run starts from: the newest that started an agent and has ended. */
export function previousRun(runs: readonly RunRecord[]): RunRecord | undefined {
  for (let i = runs.length - 1; i >= 0; i--) {
    const r = runs[i]!;
    if (!isRequest(r) && r.status !== 'running') return r;
  }
  return undefined;
}
