// The board with 1,000 missions: the page shows them 50 at a time with a pager, the count is right,
// and the timeline still draws the week (from listMissions' dueBefore, read 100 at a time).
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.js';
import { ok, tempDir } from './helpers.js';
import { connectStreamable, spawnHttp, type HttpServerProcess } from './http-helpers.js';

const WAIT = { timeout: 60_000 };
const tmp = tempDir('missions-board-scale-');
let server: HttpServerProcess;
let browser: Browser | undefined;

beforeAll(async () => {
  server = await spawnHttp(['--store', join(tmp.dir, 'missions.json')]);
  const agent = await connectStreamable(server.origin);
  for (let batch = 0; batch < 50; batch++) {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        ok(agent.client, 'createMission', {
          title: `Mission ${String(batch * 20 + i + 1).padStart(4, '0')}`,
          goal: 'G',
          mode: 'compact',
          schedule: { type: 'cron', value: `${i} ${batch % 24} * * *` },
        }),
      ),
    );
  }
  await agent.close();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  tmp.cleanup();
});

describe('1,000 missions', { timeout: 180_000 }, () => {
  it('are shown 50 a page with a pager, and the week still has its runs', async () => {
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      await page.goto(server.origin + '/');
      await page.getByText('1000 missions').waitFor(WAIT);
      expect(await page.locator('li.mission').count()).toBe(50);
      const pager = page.getByRole('navigation', { name: 'Pages' });
      expect(await pager.textContent()).toContain('1–50 of 1000');
      await pager.getByRole('button', { name: 'Next page' }).click();
      await pager.getByText('51–100 of 1000').waitFor(WAIT);
      expect(await page.locator('li.mission').count()).toBe(50);
      await pager.getByRole('button', { name: 'Previous page' }).click();
      await pager.getByText('1–50 of 1000').waitFor(WAIT);
      // every mission runs daily: 1,000 runs on each full day of the coming week
      const timeline = page.getByRole('region', { name: 'Next 7 days' });
      await timeline.getByText('1000 runs').first().waitFor(WAIT);
    } finally {
      await context.close();
      await browser.close();
      browser = undefined;
    }
  });
});
