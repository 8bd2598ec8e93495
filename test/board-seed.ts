// Missions for the board's tests and its screenshot: one of each schedule kind, a brief, a plan with
// KPIs, a paused one, and one with a run history (runs opened and closed by hand, SPEC §12); then
// (seedResults) a run that waits for a person's approval and runs that reported progress (SPEC §15, §16).
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ok } from './helpers.js';

export const DIGEST = 'Daily analytics digest';
export const DIGEST_WORDS = 'At 09:00, Monday through Friday, Europe/Paris';

export async function seedBoard(client: Client, now = new Date()): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  const create = async (key: string, input: Record<string, unknown>) => (ids[key] = (await ok(client, 'createMission', input)).mission.id);
  await create('scan', {
    title: 'Weekly competitor scan',
    goal: 'Every Monday, read the changelogs and pricing pages of our five closest competitors and list what changed.',
    icon: '🔎',
    schedule: { type: 'cron', value: '0 7 * * 1', timezone: 'UTC' },
  });
  for (const status of ['running', 'failed', 'pending', 'running', 'pending']) await ok(client, 'updateMission', { id: ids.scan, status });
  await create('report', { title: 'Quarterly board report', goal: 'Draft the quarterly report for the board.', icon: '📑', status: 'paused', schedule: { type: 'cron', value: '0 8 1 */3 *' } });
  await create('inbox', { title: 'Support inbox triage', goal: 'Label and route new support emails.', icon: '📥', agentType: 'codex', schedule: { type: 'continuous' } });
  await create('launch', {
    title: 'Scheduling API launch campaign',
    goal: 'Run a two-week content campaign that positions our new scheduling API for developers.',
    icon: '📣',
    agentType: 'gemini',
    schedule: { type: 'once', value: new Date(now.getTime() + 2 * 24 * 3600 * 1000).toISOString(), timezone: 'Europe/Berlin' },
    plan: {
      objectives: ['Grow developer followers by 15%', 'Drive 2,000 visits to the API docs'],
      platforms: ['linkedin', 'x', 'dev.to'],
      kpis: [
        { metric: 'followers', target: 1500, platform: 'x', current: 1210 },
        { metric: 'docs clicks', target: 2000, platform: null, current: 310 },
      ],
    },
  });
  await create('outreach', {
    title: 'Logistics webinar follow-up',
    goal: 'Warm outreach to heads of operations who attended the webinar; offer the route audit.',
    icon: '📬',
    agentType: 'gemini',
    schedule: { type: 'cron', value: '30 14 * * MON,THU', timezone: 'America/New_York' },
    brief: {
      targetAudience: 'Heads of operations at logistics companies who attended the May webinar',
      desiredAction: 'Book a 20-minute route-optimisation audit',
      ctaUrl: 'https://example.com/audit',
      toneInstructions: 'Warm, concise, no jargon',
    },
  });
  await create('digest', {
    title: DIGEST,
    goal: "Pull yesterday's product analytics and write a short summary for the #growth channel.",
    icon: '📊',
    schedule: { type: 'cron', value: '0 9 * * 1-5', timezone: 'Europe/Paris' },
    plan: { kpis: [{ metric: 'summaries sent', target: 20, platform: null, current: 12 }] },
  });
  return ids;
}

export const NEWSLETTER = 'Developer newsletter';

/**
 * Runs opened by hand that report as an agent would (reportProgress while the run is open), each closed
 * as succeeded: the mission's progress, KPI history and spend come from real reports.
 */
export async function reportRuns(client: Client, missionId: string, reports: Record<string, unknown>[]): Promise<string[]> {
  const runIds: string[] = [];
  for (const report of reports) {
    await ok(client, 'updateMission', { id: missionId, status: 'running' });
    const runId = (await ok(client, 'listRuns', { missionId, status: 'running', limit: 1 })).runs[0].id as string;
    await ok(client, 'reportProgress', { runId, ...report });
    await ok(client, 'updateMission', { id: missionId, status: 'pending' });
    runIds.push(runId);
  }
  return runIds;
}

/**
 * A mission that needs approval with its request open (runMission from a client that cannot be asked),
 * and three reported runs of the launch campaign against a budget of 5,000 cents.
 */
export async function seedResults(client: Client, ids: Record<string, string>): Promise<{ requestId: string }> {
  ids.newsletter = (
    await ok(client, 'createMission', {
      title: NEWSLETTER,
      goal: "Draft this week's developer newsletter from the merged changelog entries and send it to the subscriber list.",
      icon: '📰',
      schedule: { type: 'cron', value: '0 10 * * 2', timezone: 'Europe/London' },
      plan: { constraints: { requireApproval: true } },
    })
  ).mission.id;
  const { approvalRequestId } = await ok(client, 'runMission', { id: ids.newsletter });
  await ok(client, 'updateMission', { id: ids.launch, plan: { constraints: { budgetCents: 5000 } } });
  await reportRuns(client, ids.launch!, [
    { summary: 'Announced the API on LinkedIn and X.', kpis: { followers: 1250, 'docs clicks': 520 }, progressPercent: 20, stage: 'announce', costCents: 380 },
    { summary: 'Published the dev.to tutorial; two threads on X.', kpis: { followers: 1320, 'docs clicks': 800 }, progressPercent: 45, stage: 'tutorials', costCents: 410 },
    { summary: 'Answered questions under the tutorial and posted a changelog recap.', kpis: { followers: 1410, 'docs clicks': 1150 }, progressPercent: 60, stage: 'engage', costCents: 460 },
  ]);
  return { requestId: approvalRequestId as string };
}
