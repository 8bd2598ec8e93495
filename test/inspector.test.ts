// The MCP Inspector's CLI (@modelcontextprotocol/inspector --cli), as a user runs it from a terminal:
// list the tools and call each one, over stdio (the Inspector starts the built bin), over Streamable
// HTTP and over legacy SSE (the built bin serving --transport http with a token, which the Inspector
// sends with --header). The Inspector needs Node 22; it and its Node 22 come from test/node22, installed
// on first use (test/node22.ts), the server under test runs on the Node that runs vitest. Every call is a separate Inspector process, as
// from a shell; a tool error must come back as one (isError, our error JSON, the Inspector's exit 5).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHttp, type HttpServerProcess } from './http-helpers.js';
import { INSTALL_TIMEOUT_MS, node22Tools, type Node22Tools } from './node22.js';
import { BIN, ROOT, tempDir } from './helpers.js';

const TOOLS = ['createMission', 'getMission', 'listMissions', 'updateMission', 'deleteMission', 'pauseMission', 'resumeMission', 'runMission', 'listRuns', 'getRun', 'decideRun', 'reportProgress'];
const TOKEN = 'inspector-test-token-0123456789abcdef';
/** The Inspector's exit code for a tool result with isError: true. */
const TOOL_ERROR_EXIT = 5;

const tmp = tempDir('missions-inspector-');
let server: HttpServerProcess;
let tools: Node22Tools;
const ran: string[] = [];

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  /** The JSON the Inspector printed on stdout. */
  json: any;
}

/** `inspector --cli <target…> --method <method> <args…>`, one process, like a shell command. */
function inspect(target: string[], method: string, args: string[] = []): Promise<Outcome> {
  const argv = ['--cli', ...target, '--method', method, ...args];
  ran.push(`inspector ${argv.map((a) => (a === process.execPath ? 'node' : a.startsWith(ROOT) ? a.slice(ROOT.length + 1) : /[\s"{]/.test(a) ? `'${a}'` : a)).join(' ')}`);
  return new Promise((resolve) => {
    execFile(
      tools.node,
      [tools.inspector, ...argv],
      // A scratch HOME and catalog: the Inspector keeps a catalog of servers (~/.mcp-inspector).
      { env: { PATH: process.env.PATH ?? '', HOME: tmp.dir, MCP_CATALOG_PATH: join(tmp.dir, 'catalog.json') }, timeout: 60_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        let json: unknown;
        try {
          json = JSON.parse(stdout);
        } catch {
          json = undefined;
        }
        resolve({ code, stdout, stderr, json });
      },
    );
  });
}

/** A successful tools/call: exit 0, structuredContent (checked by the Inspector against outputSchema) equal to the text. */
async function callOk(target: string[], tool: string, toolArgs: string[]): Promise<any> {
  const out = await inspect(target, 'tools/call', ['--tool-name', tool, ...toolArgs.flatMap((a) => ['--tool-arg', a])]);
  expect(out.code, `${tool}: ${out.stdout}\n${out.stderr}`).toBe(0);
  expect(out.json.isError ?? false).toBe(false);
  expect(JSON.parse(out.json.content[0].text)).toEqual(out.json.structuredContent);
  return out.json.structuredContent;
}

/** A tool error: the Inspector's exit 5, isError true, our error JSON as the text. */
async function callError(target: string[], tool: string, toolArgs: string[]): Promise<any> {
  const out = await inspect(target, 'tools/call', ['--tool-name', tool, ...toolArgs.flatMap((a) => ['--tool-arg', a])]);
  expect(out.code, `${tool}: ${out.stdout}\n${out.stderr}`).toBe(TOOL_ERROR_EXIT);
  expect(out.json.isError).toBe(true);
  expect(out.json.structuredContent).toBeUndefined();
  return JSON.parse(out.json.content[0].text);
}

beforeAll(async () => {
  tools = await node22Tools();
  server = await spawnHttp(['--store', join(tmp.dir, 'http.json')], { MISSIONS_TOKEN: TOKEN });
}, INSTALL_TIMEOUT_MS + 60_000);

afterAll(async () => {
  if (server) expect(await server.stop()).toBe(0);
  console.log([`MCP Inspector ${tools.inspectorVersion} --cli, ${ran.length} runs:`, ...ran.map((r) => `  ${r}`)].join('\n'));
  tmp.cleanup();
});

const transports: { name: string; target: () => string[] }[] = [
  { name: 'stdio', target: () => [process.execPath, BIN, '--store', join(tmp.dir, 'stdio.json')] },
  { name: 'Streamable HTTP', target: () => [`${server.origin}/mcp`, '--header', `Authorization: Bearer ${TOKEN}`] },
];

describe.each(transports)('the Inspector CLI over $name', ({ target }) => {
  it('lists the twelve tools, each with both schemas, and finds no error-severity portability problem (--strict)', async () => {
    const out = await inspect(target(), 'tools/list', ['--strict']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.json.tools.map((t: { name: string }) => t.name)).toEqual(TOOLS);
    for (const tool of out.json.tools) {
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema.type).toBe('object');
      expect(tool.description.length).toBeGreaterThan(50);
    }
  });

  it('calls every tool: create, get, list, update, pause, resume, delete', async () => {
    const t = target();
    const created = await callOk(t, 'createMission', [
      'title=Weekday analytics',
      'goal=Summarise yesterday',
      'schedule={"type":"cron","value":"0 9 * * 1-5","timezone":"Europe/Paris"}',
      'mode=compact',
    ]);
    const id: string = created.mission.id;
    expect(id).toMatch(/^msn_[A-Za-z0-9]{20}$/);
    expect(created.mission).toMatchObject({ title: 'Weekday analytics', status: 'pending', schedule: { type: 'cron', value: '0 9 * * 1-5' } });
    expect(typeof created.mission.nextRun).toBe('string');

    expect((await callOk(t, 'getMission', [`id=${id}`])).mission).toMatchObject({ id, goal: 'Summarise yesterday', owner: { user: expect.any(String) } });
    const listed = await callOk(t, 'listMissions', ['status=active', 'limit=5', 'mode=compact']);
    expect(listed).toMatchObject({ total: 1, hasMore: false, missions: [{ id, title: 'Weekday analytics', status: 'pending' }] });

    const updated = await callOk(t, 'updateMission', [`id=${id}`, 'stats={"leads":3}', 'visibility=organization', 'mode=compact']);
    expect(updated.updated.sort()).toEqual(['stats', 'visibility']);
    expect(updated.mission).toMatchObject({ stats: { leads: 3 }, visibility: 'organization' });

    expect((await callOk(t, 'pauseMission', [`id=${id}`, 'mode=compact'])).mission).toMatchObject({ status: 'paused', pausedAt: expect.any(String) });
    expect((await callOk(t, 'resumeMission', [`id=${id}`, 'mode=compact'])).mission).toMatchObject({ status: 'pending', nextRun: expect.any(String) });
    expect(await callOk(t, 'deleteMission', [`id=${id}`])).toEqual({ id, deleted: true });
  });

  it('gets a tool error back as one: getMission of a missing id, createMission without a goal', async () => {
    const t = target();
    expect(await callError(t, 'getMission', ['id=msn_00000000000000000000'])).toEqual({
      error: { code: 'not_found', message: expect.stringContaining('msn_00000000000000000000'), param: 'id' },
    });
    const invalid = await callError(t, 'createMission', ['title=No goal']);
    expect(invalid.error).toMatchObject({ code: 'invalid_request', param: 'goal', issues: [{ path: 'goal' }] });
  });
});

describe('the Inspector CLI over legacy SSE', () => {
  const target = () => [`${server.origin}/sse`, '--header', `Authorization: Bearer ${TOKEN}`];

  it('lists the tools and gets a tool error back as one', async () => {
    const out = await inspect(target(), 'tools/list');
    expect(out.code, out.stderr).toBe(0);
    expect(out.json.tools.map((t: { name: string }) => t.name)).toEqual(TOOLS);
    expect((await callError(target(), 'getMission', ['id=msn_00000000000000000000'])).error.code).toBe('not_found');
  });
});

describe('the Inspector CLI without the token', () => {
  it('is refused with 401 (the Inspector then wants OAuth: its exit 3, auth_required), and lists nothing', async () => {
    const out = await inspect([`${server.origin}/mcp`], 'tools/list');
    expect(out.code).toBe(3);
    expect(`${out.stdout}${out.stderr}`).toContain('auth_required');
    expect(out.json?.tools).toBeUndefined();
  });
});
