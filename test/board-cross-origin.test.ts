// A token-less server acts as the local user for every request, so a web page on another loopback port
// (any local dev server, or a page some local program serves) must not drive it (issue 21, SPEC §9). In
// a real Chromium: a page served from another port tries to list and create missions through /mcp; it
// reads nothing and changes nothing. The board, served by the server itself, still works (board.test.ts).
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.js';
import { ok, tempDir } from './helpers.js';
import { connectStreamable, spawnHttp, type HttpServerProcess } from './http-helpers.js';

const tmp = tempDir('missions-cross-origin-');
let server: HttpServerProcess;
let page: Server;
let pageOrigin: string;
let browser: Browser;

/** What the attacking page does: initialize, list, create; it reports each step's outcome. */
const attack = (mcp: string) => `<!doctype html><script>
const post = (body, session) => fetch(${JSON.stringify(mcp)}, { method: 'POST', body: JSON.stringify(body),
  headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...(session ? { 'Mcp-Session-Id': session } : {}) } });
const simple = (body) => fetch(${JSON.stringify(mcp)}, { method: 'POST', mode: 'no-cors', body: JSON.stringify(body), headers: { 'Content-Type': 'text/plain' } });
window.report = (async () => {
  const out = {};
  try {
    const init = await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'page', version: '1' } } });
    out.initialize = init.status + ' ' + (await init.text());
    const session = init.headers.get('mcp-session-id');
    const list = await post({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'listMissions', arguments: {} } }, session);
    out.list = list.status + ' ' + (await list.text());
  } catch (e) { out.error = String(e); }
  // A "simple" request needs no preflight and its answer is opaque: it must still change nothing.
  try { await simple({ jsonrpc: '2.0', id: 3, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'page', version: '1' } } }); out.simple = 'sent'; } catch (e) { out.simple = String(e); }
  return out;
})();
</script>`;

beforeAll(async () => {
  server = await spawnHttp(['--store', join(tmp.dir, 'missions.json')]);
  page = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(attack(`${server.origin}/mcp`));
  });
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
  pageOrigin = `http://localhost:${(page.address() as { port: number }).port}`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => page?.close(resolve));
  await server?.stop();
  tmp.cleanup();
});

describe('a page on another loopback port, against a server without tokens', () => {
  it('reads nothing and changes nothing', async () => {
    const local = await connectStreamable(server.origin);
    await ok(local.client, 'createMission', { title: 'local secret', goal: 'only for the local user' });
    const before = await health();
    const tab = await browser.newPage();
    await tab.goto(`${pageOrigin}/`);
    const report = (await tab.evaluate('window.report')) as Record<string, string>;
    await tab.close();
    // The browser got no readable answer (a 403 without CORS headers is a network error to the page).
    expect(report.error, JSON.stringify(report)).toMatch(/Failed to fetch|TypeError/);
    expect(report.initialize).toBeUndefined();
    expect(report.list).toBeUndefined();
    expect(JSON.stringify(report)).not.toContain('local secret');
    // No session was opened, not even by the opaque simple request.
    expect((await health()).sessions).toBe(before.sessions);
    expect((await ok(local.client, 'listMissions', {})).total).toBe(1);
    expect(server.stderr()).not.toMatch(/internal error/);
    await local.close();
  }, 60_000);
});

async function health(): Promise<{ sessions: number }> {
  return (await fetch(`${server.origin}/healthz`)).json() as Promise<{ sessions: number }>;
}
