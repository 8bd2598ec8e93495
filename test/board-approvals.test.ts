// Approvals and progress on the mission board (SPEC §14, §15, §16) in a real headless Chromium against
// the real server over HTTP with tokens: the queue of requests with the prompt to approve, Approve and
// Reject and what they do to the store (decided by the token's user, via "board"), a user who cannot see
// the mission sees no request, and a mission's progress, KPI trends and spend as its runs reported them.
// User text (goals, prompts, summaries) is text on the page, never markup.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRunId } from '../src/ids.js';
import type { RunRecord } from '../src/run/model.js';
import { defaultAgents } from '../src/runner/agents.js';
import { launchView } from '../src/runner/launch-view.js';
import { claimMission } from '../src/runner/store-ops.js';
import { openJsonFileStore } from '../src/store/index.js';
import type { MissionStore } from '../src/store/types.js';
import { reportRuns } from './board-seed.js';
import { launchChromium } from './browser.js';
import { ok, tempDir, type Harness } from './helpers.js';
import { connectStreamable, spawnHttp, type HttpServerProcess } from './http-helpers.js';
import { waitFor } from './wait.js';

const WAIT = { timeout: 30_000 };
const ALICE = 'alice-board-token-51c2';
const CAROL = 'carol-board-token-9e07';
/** Markup in user text: if any of it ran, window.__xss would be set. */
const SCRIPT = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">';

const tmp = tempDir('missions-board-approvals-');
const storeFile = join(tmp.dir, 'missions.json');
let server: HttpServerProcess;
let alice: Harness;
let store: MissionStore; // this test process's own handle on the server's store, as another process would have
let browser: Browser | undefined;
const ids: Record<string, string> = {};
const runs: Record<string, string> = {};

beforeAll(async () => {
  const authFile = join(tmp.dir, 'auth.json');
  writeFileSync(authFile, JSON.stringify({ tokens: [{ token: ALICE, user: 'alice', org: 'acme' }, { token: CAROL, user: 'carol', org: 'globex' }] }));
  server = await spawnHttp(['--store', storeFile, '--auth-file', authFile]);
  alice = await connectStreamable(server.origin, ALICE);
  store = openJsonFileStore(storeFile, { log: () => undefined });
  const create = async (key: string, input: Record<string, unknown>) => (ids[key] = (await ok(alice.client, 'createMission', input)).mission.id);

  // A request opened by runMission (a client that cannot be asked gets it open), its goal full of markup.
  await create('thread', {
    title: 'Launch thread',
    goal: `Post the launch thread on X. Quote this exactly: ${SCRIPT}`,
    icon: '🧵',
    schedule: { type: 'cron', value: '0 9 * * 1', timezone: 'Europe/London' },
    plan: { constraints: { requireApproval: true } },
  });
  runs.thread = (await ok(alice.client, 'runMission', { id: ids.thread })).approvalRequestId;

  // A request opened by a runner's claim: a due once mission, claimed by a worker of this process.
  await create('notes', { title: 'Release notes', goal: 'Write the release notes for 2.4.', icon: '📝', schedule: { type: 'once' }, plan: { constraints: { requireApproval: true } } });
  const claimed = await claimMission(store, ids.notes!, new Date(), {
    runId: newRunId(),
    worker: 'board-test-worker',
    leaseMs: 60_000,
    maxDepth: 3,
    launchView: launchView(defaultAgents(), tmp.dir),
    approvalTimeoutMs: 2 * 3_600_000,
  });
  expect(claimed.kind).toBe('request');
  runs.notes = claimed.run!.id;

  // Progress: three runs that reported, the last summary full of markup, against a budget.
  await create('digest', {
    title: 'Weekly metrics digest',
    goal: 'Summarise the week’s product metrics.',
    icon: '📈',
    plan: { kpis: [{ metric: 'signups', target: 1000, platform: null, current: null }, { metric: 'churn', target: 2, platform: null, current: null }], constraints: { budgetCents: 5000 } },
  });
  await reportRuns(alice.client, ids.digest!, [
    { summary: 'First digest sent.', kpis: { signups: 100, churn: 5 }, progressPercent: 20, stage: 'collect', costCents: 380 },
    { summary: 'Second digest sent.', kpis: { signups: 120, churn: 4 }, progressPercent: 40, stage: 'collect', costCents: 410 },
    { summary: `Third digest sent. ${SCRIPT}`, kpis: { signups: 150, churn: 6 }, progressPercent: 60, stage: 'publish', costCents: 460 },
  ]);

  // Carol (another org) has a mission of her own and may see none of Alice's.
  const carol = await connectStreamable(server.origin, CAROL);
  ids.carols = (await ok(carol.client, 'createMission', { title: 'Globex quarterly plan', goal: 'G' })).mission.id;
  await carol.close();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await alice?.close();
  await store?.close();
  await server?.stop();
  tmp.cleanup();
});

/** A page signed in with `token` (kept in the tab's sessionStorage, as the page itself keeps it); page errors (CSP refusals among them) fail the test. */
async function withPage<T>(token: string, fn: (page: Page) => Promise<T>, viewport = { width: 1280, height: 900 }): Promise<T> {
  const context = await browser!.newContext({ viewport, timezoneId: 'Europe/London', locale: 'en-GB' });
  const problems: string[] = [];
  try {
    await context.addInitScript((t) => sessionStorage.setItem('missions-board-token', t), token);
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto(server.origin + '/');
    const result = await fn(page);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(problems).toEqual([]);
    return result;
  } finally {
    await context.close();
  }
}

const row = (page: Page, id: string) => page.locator(`li.mission[data-mission-id="${id}"]`);
const queue = (page: Page) => page.getByRole('region', { name: 'Waiting for approval' });
const card = (page: Page, runId: string) => queue(page).locator(`li.request[data-run-id="${runId}"]`);
const run = async (id: string): Promise<RunRecord> => (await store.getRun(id))!;

describe('approvals on the board', { timeout: 180_000 }, () => {
  it('a user who cannot see the mission sees no request and no badge', async () => {
    await withPage(CAROL, async (page) => {
      await row(page, ids.carols!).waitFor(WAIT); // the list, the queue and the badges come from one read
      expect(await page.locator('li.mission').count()).toBe(1);
      expect(await queue(page).count()).toBe(0);
      expect(await page.getByText('Awaits approval').count()).toBe(0);
    });
  });

  it('lists each open request with its mission, agent command, folder, expiry and the prompt to approve, as text', async () => {
    await withPage(ALICE, async (page) => {
      await card(page, runs.thread!).waitFor(WAIT);
      await card(page, runs.notes!).waitFor(WAIT);
      expect(await queue(page).locator('li.request').count()).toBe(2);

      const thread = card(page, runs.thread!);
      await thread.getByRole('button', { name: 'Approve the run of Launch thread' }).waitFor(WAIT);
      expect(await thread.getByRole('heading').textContent()).toContain('Launch thread');
      const asked = (await ok(alice.client, 'getRun', { id: runs.thread })).run;
      expect(await thread.locator('code.command').textContent()).toBe(asked.approval.command);
      expect(await thread.locator('.expires').textContent()).toContain('in 24 h'); // the server's --approval-timeout default
      // the prompt shown is the one the request is bound to, markup and all, as text
      const prompt = thread.getByLabel('The prompt to approve for Launch thread');
      expect(await prompt.textContent()).toBe(asked.prompt);
      expect(await prompt.textContent()).toContain(SCRIPT);
      expect(await prompt.locator('script, img').count()).toBe(0);

      const notes = card(page, runs.notes!);
      await notes.getByRole('button', { name: 'Approve the run of Release notes' }).waitFor(WAIT);
      expect(await notes.getByRole('definition').allTextContents()).toEqual(
        expect.arrayContaining(['claude -p --mcp-config {mcpConfig}', tmp.dir, expect.stringContaining('in 2 h')]),
      );
      expect(await notes.getByLabel('The prompt to approve for Release notes').textContent()).toContain('Write the release notes for 2.4.');

      // the soonest to expire first: the claimed request (2 h) before runMission's (24 h)
      expect(await queue(page).locator('li.request').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-run-id')))).toEqual([runs.notes, runs.thread]);
      // a badge on each mission whose run awaits approval, and on no other
      for (const key of ['thread', 'notes']) await row(page, ids[key]!).getByText('Awaits approval').waitFor(WAIT);
      expect(await row(page, ids.digest!).getByText('Awaits approval').count()).toBe(0);
    });
  });

  it('shows progress: percent, stage, summary as text, KPI values against targets with trend and chart, spend against budget', async () => {
    await withPage(ALICE, async (page) => {
      await page.getByRole('button', { name: 'Weekly metrics digest', exact: true }).click(WAIT);
      const detail = page.getByRole('region', { name: 'Weekly metrics digest' });
      const progress = detail.getByRole('region', { name: 'Progress' });
      await progress.waitFor(WAIT);
      expect(await progress.getByRole('progressbar', { name: 'Progress reported' }).getAttribute('value')).toBe('60');
      expect(await progress.locator('.percent-value').textContent()).toBe('60%');
      expect(await progress.locator('.stage').textContent()).toBe('stage: publish');
      expect(await progress.locator('.summary').textContent()).toBe(`Third digest sent. ${SCRIPT}`);
      expect(await progress.locator('.summary script, .summary img').count()).toBe(0);
      expect(await progress.locator('.spend').textContent()).toBe('1,250 of 5,000 cents (3,750 left)');
      expect(await progress.getByRole('meter', { name: 'Spend against budget' }).getAttribute('value')).toBe('1250');

      // signups 100 → 120 → 150 toward 1,000: improving; churn 5 → 4 → 6 away from 2: declining
      const kpi = (metric: string) => detail.locator('table.kpis tr', { has: page.getByRole('rowheader', { name: metric, exact: true }) });
      expect(await kpi('signups').getByRole('cell').allTextContents()).toEqual(['150', '1000', '↗ Improving', '—']);
      expect(await kpi('churn').getByRole('cell').allTextContents()).toEqual(['6', '2', '↘ Declining', '—']);
      await kpi('signups').getByRole('img', { name: 'signups, the last 3 reports: 100, 120, 150; target 1,000' }).waitFor(WAIT);
      expect(await kpi('signups').locator('polyline').getAttribute('points')).toMatch(/^3,[\d.]+ 48,[\d.]+ 93,[\d.]+$/);

      // each run's report in its history, newest first
      const history = detail.getByRole('list', { name: 'Runs, newest first' });
      await history.waitFor(WAIT);
      expect(await history.locator('.run-summary').allTextContents()).toEqual([`Third digest sent. ${SCRIPT}`, 'Second digest sent.', 'First digest sent.']);
    });
  });

  it('is readable on a phone with the queue and the progress open: nothing wider than the screen', async () => {
    await withPage(
      ALICE,
      async (page) => {
        await card(page, runs.thread!).getByLabel('The prompt to approve for Launch thread').waitFor(WAIT);
        await page.getByRole('button', { name: 'Weekly metrics digest', exact: true }).click(WAIT);
        await page.getByRole('region', { name: 'Weekly metrics digest' }).getByRole('img', { name: /^signups, the last 3 reports/ }).waitFor(WAIT);
        const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: window.innerWidth }));
        expect(widths.page).toBeLessThanOrEqual(widths.screen);
      },
      { width: 390, height: 844 },
    );
  });

  it('Approve records the token user\'s yes via "board" with the note, and the request leaves the queue', async () => {
    await withPage(ALICE, async (page) => {
      const thread = card(page, runs.thread!);
      await thread.getByLabel('Note (optional, kept with your decision)').fill('Copy checked <b>twice</b>', WAIT);
      await thread.getByRole('button', { name: 'Approve the run of Launch thread' }).click(WAIT);
      await thread.waitFor({ state: 'detached', ...WAIT });
      await page.getByRole('status').filter({ hasText: 'Approved: Launch thread. The next runner starts it.' }).waitFor(WAIT);
      const decided = await run(runs.thread!);
      expect(decided.status).toBe('awaiting_approval'); // approved: the next runner starts it
      expect(decided.decision).toMatchObject({ by: { user: 'alice', org: 'acme' }, decision: 'approve', note: 'Copy checked <b>twice</b>', via: 'board' });
      await row(page, ids.thread!).getByText('Awaits approval').waitFor({ state: 'detached', ...WAIT });
      await card(page, runs.notes!).waitFor(WAIT); // the other one still waits

      // the mission's runs say who approved it, how, and the note, as text
      await page.getByRole('button', { name: 'Launch thread', exact: true }).last().click(WAIT);
      const line = page.getByRole('region', { name: 'Launch thread' }).locator('.run-decision');
      await line.waitFor(WAIT);
      expect(await line.textContent()).toMatch(/^Approved by alice on the board, .+: Copy checked <b>twice<\/b>$/);
    });
  });

  it('Reject closes the request as rejected via "board", skips the slot (a once mission pauses), and the queue empties', async () => {
    await withPage(ALICE, async (page) => {
      const notes = card(page, runs.notes!);
      await notes.getByRole('button', { name: 'Reject the run of Release notes' }).click(WAIT);
      await queue(page).waitFor({ state: 'detached', ...WAIT });
      await page.getByRole('status').filter({ hasText: 'Rejected: Release notes. This run is skipped.' }).waitFor(WAIT);
      const rejected = await run(runs.notes!);
      expect(rejected.status).toBe('rejected');
      expect(rejected.decision).toMatchObject({ by: { user: 'alice', org: 'acme' }, decision: 'reject', note: null, via: 'board' });
      await waitFor('the once mission to be paused', async () => (await store.get(ids.notes!))?.status === 'paused', { everyMs: 100 });
      await row(page, ids.notes!).locator('.status', { hasText: 'Paused' }).waitFor(WAIT);
    });
  });

  it('a request decided elsewhere leaves the queue by itself, and a new one appears', async () => {
    await withPage(ALICE, async (page) => {
      await row(page, ids.digest!).waitFor(WAIT);
      expect(await queue(page).count()).toBe(0);
      await ok(alice.client, 'updateMission', { id: ids.digest, plan: { constraints: { requireApproval: true } } });
      const opened = (await ok(alice.client, 'runMission', { id: ids.digest })).approvalRequestId as string;
      await card(page, opened).getByRole('button', { name: 'Approve the run of Weekly metrics digest' }).waitFor(WAIT);
      await ok(alice.client, 'decideRun', { id: opened, decision: 'reject', note: 'not this week' });
      await queue(page).waitFor({ state: 'detached', ...WAIT });
      expect((await run(opened)).decision?.via).toBe('tool');
    });
  });

  it('a request one may see but not decide (a public mission of another org): the board says why, and nothing changes', async () => {
    const id = (await ok(alice.client, 'createMission', { title: 'Public roadmap post', goal: 'Post the roadmap.', visibility: 'public', plan: { constraints: { requireApproval: true } } })).mission.id;
    const opened = (await ok(alice.client, 'runMission', { id })).approvalRequestId as string;
    await withPage(CAROL, async (page) => {
      await card(page, opened).getByRole('button', { name: 'Approve the run of Public roadmap post' }).click(WAIT);
      await page.getByRole('status').filter({ hasText: 'Could not approve the run of “Public roadmap post”: Access denied to this mission' }).waitFor(WAIT);
      await card(page, opened).getByRole('button', { name: 'Reject the run of Public roadmap post' }).waitFor(WAIT); // still waiting, still offered
    });
    expect(await run(opened)).toMatchObject({ status: 'awaiting_approval', decision: null });
  });
});
