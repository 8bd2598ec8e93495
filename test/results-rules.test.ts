// The pure rules of approvals and results (src/run/approval.ts, src/run/results.ts), table by table:
// trends toward a target, spend that survives the pruning of old runs (manual runs included), what a
// reject does to each kind of schedule, and which edits void a request.
import { describe, expect, it } from 'vitest';
import { newMission } from '../src/mission/build.js';
import { CreateMissionInput } from '../src/mission/input.js';
import type { Mission } from '../src/mission/model.js';
import { requestAfterEdit, skipSlot } from '../src/run/approval.js';
import { runsToDrop } from '../src/run/lifecycle.js';
import { runsForStatusChange } from '../src/run/manual.js';
import type { RunRecord } from '../src/run/model.js';
import { applyReport, missionSpend, trendOf } from '../src/run/results.js';
import { newImportId } from '../src/ids.js';

const NOW = new Date('2026-12-04T09:00:30Z');
const mission = (raw: Record<string, unknown>): Mission =>
  newMission(CreateMissionInput.parse({ title: 't', goal: 'g', ...raw }), { now: new Date('2026-12-01T00:00:00Z'), newImportId, id: 'msn_AAAAAAAAAAAAAAAAAAAA', owner: { user: 'local', org: null } });

describe('trendOf: the last three values, toward the target or away', () => {
  it.each([
    [[100, 120, 150], 1000, 'improving'],
    [[150, 120, 100], 1000, 'declining'],
    [[50, 40, 30], 0, 'improving'], // a target below: falling is toward it
    [[10, 20, 10], 1000, 'flat'],
    [[1, 2, 3, 900, 800, 700], 1000, 'declining'], // only the last three count
    [[990, 1010], 1000, 'flat'], // as far from it on either side
    [[5, 7], null, 'improving'], // no target: rising is improving
    [[7], 1000, 'unknown'],
    [[], null, 'unknown'],
  ] as const)('%j toward %s: %s', (values, target, trend) => {
    expect(trendOf(values, target)).toBe(trend);
  });
});

describe('spend', () => {
  it('is never lost when old runs are pruned, manual runs included', () => {
    const m = mission({ plan: { kpis: [{ metric: 'leads', target: 10 }] } });
    let runs: RunRecord[] = [];
    let mm: Mission = { ...m, status: 'pending' };
    let id = 0;
    // 130 runs opened by hand (more than the 100 kept); the first 10 report 7 cents each, the others nothing.
    for (let i = 0; i < 130; i++) {
      const running = { ...mm, status: 'running' as const };
      const opened = runsForStatusChange(mm, running, runs, NOW, () => `run_${String(id++).padStart(20, '0')}`);
      runs = [...runs.filter((r) => !opened.removeRuns.includes(r.id)), ...opened.runs];
      const r = runs[runs.length - 1]!;
      if (i < 10) runs = [...runs.slice(0, -1), applyReport(running, r, { costCents: 7, kpis: { leads: i } }, missionSpend(runs), NOW).run];
      const closed = runsForStatusChange(running, mm, runs, NOW, () => 'unused');
      runs = runs.map((x) => closed.runs.find((c) => c.id === x.id) ?? x);
    }
    expect(runs.length).toBeLessThanOrEqual(100);
    expect(runsToDrop(runs).length).toBeGreaterThan(0);
    expect(runs.some((r) => r.report)).toBe(false); // every run that reported was pruned
    expect(missionSpend(runs)).toBe(10 * 7);
  });
});

describe('a rejected or expired request skips its slot', () => {
  it.each([
    ['once', { type: 'once' }, { status: 'paused', nextRun: null }],
    ['cron', { type: 'cron', value: '0 9 * * *' }, { status: 'pending', nextRun: '2026-12-05T09:00:00.000Z' }],
    ['continuous', { type: 'continuous', value: '5m' }, { status: 'pending', nextRun: '2026-12-04T09:05:30.000Z' }],
    ['none (asked by runMission)', { type: 'none' }, { status: 'pending', nextRun: null }],
  ] as const)('%s', (_name, schedule, expected) => {
    const m = { ...mission({ schedule }), queuedRun: { trigger: 'manual' as const, attempt: 1, slot: null } };
    const after = skipSlot(m, NOW);
    expect({ status: after.status, nextRun: after.schedule.nextRun }).toEqual(expected);
    expect(after.queuedRun).toBeNull();
  });
});

describe('which edits void an open request', () => {
  const before = mission({ plan: { constraints: { requireApproval: true } }, spaceId: 'web' });
  const open = { id: 'run_BBBBBBBBBBBBBBBBBBBB', status: 'awaiting_approval', startedAt: NOW.toISOString() } as RunRecord;
  it.each([
    ['the prompt changed', { ...before, goal: 'other' }, false, /the mission was changed/],
    ['another agent type', { ...before, agentType: 'codex' as const }, true, /the mission was changed/],
    ['another space (folder)', { ...before, spaceId: 'docs' }, true, /the mission was changed/],
    ['paused', { ...before, status: 'paused' as const }, true, /set to "paused"/],
    ['no approval needed any more', { ...before, plan: { ...before.plan, constraints: { ...before.plan.constraints, requireApproval: false } } }, true, /no longer requires approval/],
  ] as const)('%s: superseded', (_name, after, samePrompt, why) => {
    expect(requestAfterEdit(before, after as Mission, open, samePrompt, NOW)).toMatchObject({ status: 'superseded', error: expect.stringMatching(why) });
  });
  it('the icon: kept', () => {
    expect(requestAfterEdit(before, { ...before, icon: '📰' }, open, true, NOW)).toBeUndefined();
  });
});
