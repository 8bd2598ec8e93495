// What runs report (SPEC §16), on both stores, with real agent processes: the stub agent is itself an
// MCP client that connects through the configuration the runner wrote for its run (MISSIONS_MCP_CONFIG:
// this missions-mcp over stdio, acting as the mission's owner) and calls reportProgress. Three runs
// report a KPI and spend; the next prompt starts from the last summary; getMission { expand: ["progress"] }
// shows the trend and the history; the budget stops the fourth run; raising it and resuming lets it go on.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { callTool } from '../src/dispatch.js';
import { realDeps } from '../src/deps.js';
import { newRunId } from '../src/ids.js';
import { loadAgents } from '../src/runner/agents.js';
import { Worker } from '../src/runner/worker.js';
import type { MissionStore } from '../src/store/types.js';
import type { AnyTool } from '../src/tool.js';
import { getMission } from '../tools/get-mission.js';
import { reportProgress } from '../tools/report-progress.js';
import { resumeMission } from '../tools/resume-mission.js';
import { updateMission } from '../tools/update-mission.js';
import { SHARED_ENGINES } from './store-engines.js';
import { killStubs, putMissions, runnerFixture, type RunnerFixture } from './runner-helpers.js';
import { waitFor } from './wait.js';

let fx: RunnerFixture | undefined;
let store: MissionStore | undefined;
const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await store?.close();
  store = undefined;
  if (fx) {
    killStubs(fx.events());
    fx.cleanup();
    fx = undefined;
  }
});

/** A PostgreSQL password file (mode 600): the agent's server gets the URL without its password (docs/agents.md). */
function pgPassFile(dir: string, url: string): string {
  const u = new URL(url);
  const file = join(dir, 'pgpass');
  writeFileSync(file, `${u.hostname}:${u.port}:*:${u.username}:${decodeURIComponent(u.password)}\n`, { mode: 0o600 });
  return file;
}

async function call(tool: AnyTool, args: Record<string, unknown>) {
  const result = await callTool(tool, args, realDeps(store!, { defaultMode: 'full' }), () => undefined);
  const body = JSON.parse((result.content[0] as { text: string }).text);
  if (result.isError) throw new Error(`${tool.name}: ${JSON.stringify(body)}`);
  return body;
}

describe.each(SHARED_ENGINES)('what runs report, on the $name store', (engine) => {
  it('an agent reports through its MCP configuration; the next prompt starts from the last; trend, history and spend; the budget stops the fourth run', async () => {
    fx = runnerFixture('missions-results-');
    const opened = await engine.open();
    store = opened.store;
    const reports = join(fx.dir, 'reports.json');
    writeFileSync(
      reports,
      JSON.stringify([
        { summary: 'posted 2; 100 followers', kpis: { followers: 100 }, progressPercent: 25, stage: 'posting', costCents: 300 },
        { summary: 'posted 3; 120 followers', kpis: { followers: 120 }, progressPercent: 50, stage: 'posting', costCents: 300 },
        { summary: 'posted 4; 150 followers', kpis: { followers: 150 }, progressPercent: 75, stage: 'review', costCents: 300 },
        { summary: 'posted 5; 160 followers', kpis: { followers: 160 }, progressPercent: 100, stage: 'done', costCents: 100 },
      ]),
    );
    const agents = loadAgents(fx.writeAgents({ env: { STUB_LOG: fx.stubLog, STUB_REPORTS: reports, STUB_SDK: join(import.meta.dirname, '..', 'node_modules', '@modelcontextprotocol', 'sdk', 'dist', 'esm') } }));
    const env = { ...process.env, ...(engine.name === 'postgres' ? { PGPASSFILE: pgPassFile(fx.dir, opened.location) } : {}) };
    const [m] = await putMissions(
      store,
      [{ title: 'Grow followers', goal: 'stub:report', schedule: { type: 'continuous', value: '1s' }, plan: { kpis: [{ metric: 'followers', target: 1000 }], constraints: { budgetCents: 900 } } }],
      new Date(),
    );
    const w = new Worker({ store, agents, now: () => new Date(), newRunId, log: () => undefined, cwd: fx.dir, env }, { concurrency: 1, leaseMs: 60_000, maxDepth: 3, tickMs: 50 });
    workers.push(w);
    void w.start();
    const paused = await waitFor('the budget to pause the mission', async () => ((await store!.get(m!.id))!.status === 'paused' ? (await store!.get(m!.id))! : undefined), { timeoutMs: 60_000 });
    await w.stop();

    const runs = [...(await store.runsOf(m!.id))];
    expect(runs.map((r) => [r.status, r.report?.summary, r.costCents, r.spentCents])).toEqual([
      ['succeeded', 'posted 2; 100 followers', 300, 300],
      ['succeeded', 'posted 3; 120 followers', 300, 600],
      ['succeeded', 'posted 4; 150 followers', 300, 900],
    ]);
    // The fourth run never started: the budget was spent (the stub's own log says so).
    expect(fx.starts().filter((s) => s.mission === m!.id)).toHaveLength(3);
    expect(paused.plan.kpis[0]).toMatchObject({ metric: 'followers', current: 150 });

    // Each prompt after the first starts from the last run: its outcome, its summary, each KPI against its target.
    const prompts = fx.starts().map((s) => s.stdin!);
    expect(prompts[0]).not.toContain('## Last run');
    expect(prompts[1]).toContain('## Last run\n- Outcome: succeeded (exit 0)');
    expect(prompts[1]).toContain('- Summary: posted 2; 100 followers');
    expect(prompts[1]).toContain('- KPI followers: 100 of target 1000');
    expect(prompts[2]).toContain('- Summary: posted 3; 120 followers');

    // Progress: the latest report, the trend from the last three values, the history, run counts, spend.
    const { progress } = await call(getMission, { id: m!.id, expand: ['progress'] });
    console.log(`${engine.name}: progress after three runs: ${JSON.stringify(progress)}`);
    expect(progress).toMatchObject({
      percent: 75,
      stage: 'review',
      summary: 'posted 4; 150 followers',
      runs: { total: 3, succeeded: 3, failed: 0 },
      spend: { costCents: 900, budgetCents: 900, remainingCents: 0 },
    });
    expect(progress.kpiProgress).toEqual([
      {
        metric: 'followers',
        target: 1000,
        current: 150,
        trend: 'improving',
        history: runs.map((r, i) => ({ value: [100, 120, 150][i], at: r.report!.reportedAt, runId: r.id })),
      },
    ]);
    const compact = await call(getMission, { id: m!.id, expand: ['progress'], mode: 'compact' });
    expect(compact.progress).toEqual({ percent: 75, kpis: [{ metric: 'followers', current: 150, trend: 'improving' }] });
    // The paused mission says why.
    const { warnings } = await call(updateMission, { id: m!.id, icon: '📈' });
    expect(warnings).toContainEqual(expect.stringMatching(/^budget spent: 900 of 900 cents/));

    // A report after its run ended is a conflict, and records nothing.
    await expect(call(reportProgress, { runId: runs[2]!.id, summary: 'late' })).rejects.toThrow(/"code":"conflict"/);
    expect((await store.getRun(runs[2]!.id))!.report!.summary).toBe('posted 4; 150 followers');

    // Raising the budget and resuming lets it go on: a fourth run, which reports too.
    await call(updateMission, { id: m!.id, plan: { constraints: { budgetCents: 1000 } } });
    await call(resumeMission, { id: m!.id });
    const w2 = new Worker({ store, agents, now: () => new Date(), newRunId, log: () => undefined, cwd: fx.dir, env }, { concurrency: 1, leaseMs: 60_000, maxDepth: 3, tickMs: 50 });
    workers.push(w2);
    void w2.start();
    const fourth = await waitFor('a fourth run that reported', async () => [...(await store!.runsOf(m!.id))].find((r, i) => i === 3 && r.status === 'succeeded'), { timeoutMs: 30_000 });
    expect(fourth).toMatchObject({ costCents: 100, spentCents: 1000, report: { summary: 'posted 5; 160 followers' } });
    await waitFor('the budget to pause it again', async () => (await store!.get(m!.id))!.status === 'paused', { timeoutMs: 30_000 });
    expect(fx.starts().filter((s) => s.mission === m!.id)).toHaveLength(4);
  }, 120_000);
});
