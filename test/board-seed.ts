// Missions for the board's tests and its screenshot: one of each schedule kind, a brief, a plan with
// KPIs, a paused one, and one with a run history (runs opened and closed by hand, SPEC §12).
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
