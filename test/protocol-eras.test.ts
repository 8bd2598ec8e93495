// Issue 19: both protocol eras, one server. The same tool scenario (create, get, list, update, pause,
// resume, delete) from an SDK v2 client pinned to 2026-07-28, over Streamable HTTP and over stdio, and
// from 2025 clients (SDK v1) over a Streamable HTTP session, legacy SSE and stdio, against the built bin.
// Then what only the wire shows: a header that disagrees with its body is refused, and every refusal a
// 2026-07-28 caller gets is a JSON-RPC error object with the status its revision prescribes, while a
// 2025 caller keeps SPEC §9's body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectStdio, tempDir, type Harness } from './helpers.js';
import { connectSse, connectStreamable, spawnHttp, type HttpServerProcess } from './http-helpers.js';
import { connectModern, connectModernStdio, postModern, type ModernHarness } from './modern-helpers.js';

const tmp = tempDir('missions-eras-');
const TOKEN = 'eras-test-token-0123456789abcdef';
let server: HttpServerProcess;
let guarded: HttpServerProcess;

beforeAll(async () => {
  [server, guarded] = await Promise.all([
    spawnHttp(['--store', `${tmp.dir}/missions.json`, '--max-body', '2kb']),
    spawnHttp(['--store', `${tmp.dir}/guarded.json`], { MISSIONS_TOKEN: TOKEN }),
  ]);
});

afterAll(async () => {
  expect(await Promise.all([server.stop(), guarded.stop()])).toEqual([0, 0]);
  tmp.cleanup();
});

type AnyClient = Harness['client'] | ModernHarness['client'];

async function tool(client: AnyClient, name: string, args: Record<string, unknown>): Promise<any> {
  const result = (await client.callTool({ name, arguments: args })) as { isError?: boolean; structuredContent?: unknown; content: { type: string; text?: string }[] };
  if (result.isError) throw new Error(`${name}: ${result.content[0]?.text}`);
  // structuredContent and the JSON text carry the same data (SPEC §5), in both eras
  expect(JSON.parse(result.content[0]!.text!)).toEqual(result.structuredContent);
  return result.structuredContent;
}

/** The tool scenario of SPEC §5, as any client runs it. */
async function scenario(client: AnyClient, label: string): Promise<void> {
  const { mission } = await tool(client, 'createMission', { title: `Weekly report (${label})`, goal: 'Summarise the week', schedule: { type: 'cron', value: '0 9 * * 1' } });
  expect(mission.id).toMatch(/^msn_/);
  expect((await tool(client, 'getMission', { id: mission.id })).mission.title).toBe(`Weekly report (${label})`);
  const listed = await tool(client, 'listMissions', { query: label });
  expect(listed.missions.map((m: { id: string }) => m.id)).toEqual([mission.id]);
  const updated = await tool(client, 'updateMission', { id: mission.id, goal: 'Summarise the week in five lines' });
  expect(updated.updated).toEqual(['goal']);
  expect((await tool(client, 'pauseMission', { id: mission.id })).mission.status).toBe('paused');
  expect((await tool(client, 'resumeMission', { id: mission.id })).mission.status).toBe('pending');
  expect(await tool(client, 'deleteMission', { id: mission.id })).toEqual({ id: mission.id, deleted: true });
  const gone = (await client.callTool({ name: 'getMission', arguments: { id: mission.id } })) as { isError?: boolean; content: { text: string }[] };
  expect(gone.isError).toBe(true);
  expect(JSON.parse(gone.content[0]!.text).error.code).toBe('not_found');
}

describe('the tool scenario in every era and transport', () => {
  it('2026-07-28 over HTTP (SDK v2 client pinned to it; no session)', async () => {
    const h = await connectModern(server.origin);
    try {
      await scenario(h.client, 'modern http');
      // the tool list is the one 2025 clients get
      const legacy = await connectStreamable(server.origin);
      try {
        expect((await h.client.listTools()).tools).toEqual((await legacy.client.listTools()).tools);
      } finally {
        await legacy.close();
      }
    } finally {
      await h.close();
    }
  });

  it('2026-07-28 over stdio', async () => {
    const h = await connectModernStdio(['--store', `${tmp.dir}/stdio.json`]);
    try {
      await scenario(h.client, 'modern stdio');
    } finally {
      await h.close();
    }
  });

  it('2025-11-25 over a Streamable HTTP session, legacy SSE (2024-11-05) and stdio (SDK v1 clients)', async () => {
    for (const [label, connect] of [
      ['session', () => connectStreamable(server.origin)],
      ['sse', () => connectSse(server.origin)],
      ['stdio', () => connectStdio(['--store', `${tmp.dir}/stdio.json`])],
    ] as const) {
      const h = await connect();
      try {
        expect(h.client.getServerVersion()?.name).toBe('missions-mcp');
        await scenario(h.client, `legacy ${label}`);
      } finally {
        await h.close();
      }
    }
  });
});

describe('2026-07-28 on the wire', () => {
  it('refuses a header that disagrees with the body: 400 and JSON-RPC -32020, and nothing is done', async () => {
    const create = { id: 7, method: 'tools/call', params: { name: 'createMission', arguments: { title: 'Never', goal: 'G' } } };
    const wrongName = await postModern(server.origin, create, { 'Mcp-Name': 'deleteMission' });
    expect(wrongName.status).toBe(400);
    expect(wrongName.body).toMatchObject({ jsonrpc: '2.0', id: 7, error: { code: -32020 } });
    const wrongMethod = await postModern(server.origin, create, { 'Mcp-Method': 'tools/list' });
    expect(wrongMethod.status).toBe(400);
    expect(wrongMethod.body.error.code).toBe(-32020);
    const list = await postModern(server.origin, { id: 8, method: 'tools/call', params: { name: 'listMissions', arguments: { query: 'Never' } } });
    expect(list.status).toBe(200);
    expect(list.body.result.structuredContent.total).toBe(0);
  });

  it('answers each request on its own: no Mcp-Session-Id, the revision in every result', async () => {
    const listed = await postModern(server.origin, { id: 1, method: 'tools/list' });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('mcp-session-id')).toBeNull();
    expect(listed.body.result.tools).toHaveLength(12);
    expect(listed.body.result).toMatchObject({ ttlMs: expect.any(Number), cacheScope: 'public' });
    const unknown = await postModern(server.origin, { id: 2, method: 'initialize' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ jsonrpc: '2.0', id: 2, error: { code: -32601 } });
  });

  it('gives a 2026-07-28 caller JSON-RPC error objects for the HTTP layer refusals (401, 403, 413), and a 2025 caller SPEC §9 bodies', async () => {
    const jsonRpc = (status: number, body: any, code: string) => {
      expect(body).toMatchObject({ jsonrpc: '2.0', error: { code: -32000, message: expect.any(String), data: { code } } });
      expect(Number.isInteger(body.error.code)).toBe(true);
      return status;
    };
    const noToken = await postModern(guarded.origin, { id: 3, method: 'tools/list' });
    expect(jsonRpc(noToken.status, noToken.body, 'unauthorized')).toBe(401);
    expect(noToken.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const badOrigin = await postModern(server.origin, { id: 4, method: 'tools/list' }, { Origin: 'http://evil.example' });
    expect(jsonRpc(badOrigin.status, badOrigin.body, 'forbidden')).toBe(403);
    const big = await postModern(server.origin, { id: 5, method: 'tools/call', params: { name: 'createMission', arguments: { title: 'Big', goal: 'x'.repeat(4000) } } });
    expect(jsonRpc(big.status, big.body, 'payload_too_large')).toBe(413);
    // a 2025 client (no 2026 header) keeps SPEC §9's body
    const legacy = await fetch(new URL('/mcp', guarded.origin), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(legacy.status).toBe(401);
    expect(await legacy.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
  });

  it('authenticates every stateless request: the token of one request does not carry to the next', async () => {
    const h = await connectModern(guarded.origin, { token: TOKEN });
    try {
      expect((await tool(h.client, 'createMission', { title: 'Token', goal: 'G' })).mission.owner).toEqual({ user: 'default', org: null });
    } finally {
      await h.close();
    }
    const after = await postModern(guarded.origin, { id: 6, method: 'tools/call', params: { name: 'listMissions', arguments: {} } });
    expect(after.status).toBe(401);
  });
});
