// What clients see, checked against a reviewed snapshot: initialize's capabilities and instructions,
// tools/list (names, descriptions, schemas, annotations), resources/templates/list, and which tools a
// read-only server offers; and the same for a 2026-07-28 client (server/discover's capabilities, its
// tools/list with the cache hints of that revision), served in process by the v2 handler. Any change to the advertised surface fails here until the snapshot is
// updated on purpose: `npm run snapshot:update`, then review the diff of test/surface.snapshot.json.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { createModernServer } from '../src/modern/server.js';
import { taskToolsOf } from '../src/modern/tasks.js';
import { selectTools } from '../tools/index.js';
import { connectInMemory, testDeps } from './helpers.js';
import { MODERN, envelope } from './modern-helpers.js';

/** The 2026-07-28 surface, from a v2 client whose fetch is the v2 handler itself (no network). */
async function modernSurface() {
  const tools = selectTools({ readOnly: false });
  const tasks = taskToolsOf(tools)!;
  const handler = createMcpHandler(() => createModernServer(testDeps(), { tools, log: () => undefined, era: 'modern', tasks }).server, { legacy: 'reject' });
  const client = new Client({ name: 'surface', version: '1' }, { versionNegotiation: { mode: { pin: MODERN } } });
  await client.connect(new StreamableHTTPClientTransport(new URL('http://in-process/mcp'), { fetch: (url, init) => handler.fetch(new Request(url, init)) }));
  const raw = await handler.fetch(
    new Request('http://in-process/mcp', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': MODERN, 'Mcp-Method': 'tools/list' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: envelope() } }),
    }),
  );
  const { result: listed } = (await raw.json()) as { result: { ttlMs: number; cacheScope: string } };
  const result = {
    capabilities: client.getServerCapabilities(),
    instructions: client.getInstructions(),
    tools: (await client.listTools()).tools,
    toolsListCache: { ttlMs: listed.ttlMs, cacheScope: listed.cacheScope },
    resourceTemplates: (await client.listResourceTemplates()).resourceTemplates,
  };
  await client.close();
  await handler.close();
  return result;
}

async function surface() {
  const h = await connectInMemory();
  const readOnly = await connectInMemory({ readOnly: true });
  const { name, title } = h.client.getServerVersion()!;
  const result = {
    serverInfo: { name, title },
    capabilities: h.client.getServerCapabilities(),
    instructions: h.client.getInstructions(),
    tools: (await h.client.listTools()).tools,
    resourceTemplates: (await h.client.listResourceTemplates()).resourceTemplates,
    readOnlyTools: (await readOnly.client.listTools()).tools.map((t) => t.name),
    '2026-07-28': await modernSurface(),
  };
  await h.close();
  await readOnly.close();
  return result;
}

describe('the advertised surface', () => {
  it('matches the reviewed snapshot (npm run snapshot:update to change it on purpose)', async () => {
    await expect(`${JSON.stringify(await surface(), null, 2)}\n`).toMatchFileSnapshot('./surface.snapshot.json');
  });
});
