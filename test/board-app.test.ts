// The mission board as an MCP App: the ui://missions/board resource read over MCP (its MIME type, one
// self-contained HTML file), the `_meta` link on listMissions and getMission, and the app running in
// a real headless Chromium inside a minimal host: a page that frames the app (sandboxed, srcdoc, as
// hosts do) and answers its postMessage JSON-RPC (ui/initialize, tools/call) with a real MCP client;
// Approve in the app's queue records the decision via "board" when the host forwards the call's _meta.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIGEST, DIGEST_WORDS, NEWSLETTER, seedBoard, seedResults } from './board-seed.js';
import { launchChromium } from './browser.js';
import { connectInMemory, ok, type Harness } from './helpers.js';

const WAIT = { timeout: 30_000 };
let h: Harness;
let ids: Record<string, string>;
let requestId: string;
let browser: Browser | undefined;

beforeAll(async () => {
  h = await connectInMemory();
  ids = await seedBoard(h.client);
  ({ requestId } = await seedResults(h.client, ids));
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function readApp() {
  const { contents } = await h.client.readResource({ uri: 'ui://missions/board' });
  expect(contents).toHaveLength(1);
  return contents[0] as { uri: string; mimeType: string; text: string };
}

describe('ui://missions/board over MCP', () => {
  it('is one self-contained HTML file of the MCP App profile', async () => {
    const app = await readApp();
    expect(app.mimeType).toBe('text/html;profile=mcp-app');
    expect(app.text).toMatch(/^<!doctype html>/i);
    expect(app.text).toMatch(/<script type="module"[^>]*>[^<]{1000,}/); // the bundle, inline
    // nothing loaded from anywhere: no src or href attributes, no CSS imports
    expect(app.text.match(/<(script|link|img|iframe|source)\b[^>]*\b(src|href)\s*=/gi)).toBeNull();
    expect(app.text).not.toMatch(/@import\s/);
  });

  it('is listed first among the resources, and listMissions and getMission link it through _meta', async () => {
    const { resources } = await h.client.listResources();
    expect(resources[0]).toMatchObject({ uri: 'ui://missions/board', mimeType: 'text/html;profile=mcp-app', title: 'Mission board' });
    const { tools } = await h.client.listTools();
    const linked = tools.filter((t) => t._meta !== undefined).map((t) => [t.name, t._meta]);
    expect(linked).toEqual([
      ['getMission', { ui: { resourceUri: 'ui://missions/board' } }],
      ['listMissions', { ui: { resourceUri: 'ui://missions/board' } }],
    ]);
  });
});

/** The host page: frames the app and relays its tools/call requests to window.callTool (the test's MCP client). */
const HOST = `<!doctype html><html><body><iframe id="app" sandbox="allow-scripts" style="width:1000px;height:1400px;border:0"></iframe>
<script>
  const frame = document.getElementById('app');
  const reply = (id, body) => frame.contentWindow.postMessage({ jsonrpc: '2.0', id, ...body }, '*');
  window.sendToApp = (message) => frame.contentWindow.postMessage({ jsonrpc: '2.0', ...message }, '*');
  window.addEventListener('message', async (event) => {
    if (event.source !== frame.contentWindow) return;
    const m = event.data;
    if (m.id === undefined) return; // notifications (initialized, size-changed)
    if (m.method === 'ui/initialize') {
      return reply(m.id, { result: { protocolVersion: m.params.protocolVersion, hostInfo: { name: 'test-host', version: '1' }, hostCapabilities: { serverTools: {} }, hostContext: {} } });
    }
    if (m.method === 'tools/call') return reply(m.id, { result: await window.callTool(m.params.name, m.params.arguments ?? {}, m.params._meta) });
    reply(m.id, { error: { code: -32601, message: 'not supported by the test host: ' + m.method } });
  });
</script></body></html>`;

describe('the MCP App inside a host', { timeout: 180_000 }, () => {
  it('shows the missions, steers them through the host, and opens the mission a getMission result names', async () => {
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1024, height: 900 } });
    try {
      const page = await context.newPage();
      const calls: string[] = [];
      await page.exposeFunction('callTool', async (name: string, args: Record<string, unknown>, meta?: Record<string, unknown>) => {
        calls.push(name);
        return h.client.callTool({ name, arguments: args, ...(meta && { _meta: meta }) }); // a host that forwards the app's _meta
      });
      await page.setContent(HOST);
      const html = (await readApp()).text;
      await page.locator('#app').evaluate((frame, srcdoc) => ((frame as HTMLIFrameElement).srcdoc = srcdoc), html);
      const app = page.frameLocator('#app');
      const digestRow = app.locator(`li.mission[data-mission-id="${ids.digest}"]`);
      await digestRow.waitFor(WAIT);
      expect(await digestRow.locator('.schedule').textContent()).toBe(DIGEST_WORDS);

      await app.getByRole('button', { name: `Pause ${DIGEST}` }).click(WAIT);
      await digestRow.locator('.status', { hasText: 'Paused' }).waitFor(WAIT);
      expect((await ok(h.client, 'getMission', { id: ids.digest })).mission.status).toBe('paused');
      expect(calls).toContain('pauseMission');

      // the approval queue works through the host too, and the decision says it came from the board
      await app.getByRole('button', { name: `Approve the run of ${NEWSLETTER}` }).click(WAIT);
      await app.getByRole('region', { name: 'Waiting for approval' }).waitFor({ state: 'detached', ...WAIT });
      expect((await ok(h.client, 'getRun', { id: requestId })).run.decision).toMatchObject({ decision: 'approve', via: 'board', by: { user: 'local' } });

      // the host hands the app a getMission result: the app opens that mission
      const result = await h.client.callTool({ name: 'getMission', arguments: { id: ids.launch } });
      await page.evaluate((params) => (window as unknown as { sendToApp: (m: unknown) => void }).sendToApp({ method: 'ui/notifications/tool-result', params }), result);
      await app.getByRole('region', { name: 'Scheduling API launch campaign' }).waitFor(WAIT);
    } finally {
      await context.close();
      await browser.close();
      browser = undefined;
    }
  });
});
