// Duplicate JSON-RPC ids on one Streamable HTTP session: a request whose id is already in flight is
// refused with a JSON-RPC error (-32600) at once; the one in flight still gets its answer, nothing is
// left counted in flight, and the id is free again afterwards. Raw HTTP against the built bin.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';
import { health, spawnHttp, type HttpServerProcess } from './http-helpers.js';
import { holdLockFolder } from './on-disk.js';
import { waitFor } from './wait.js';
import { MAX_IN_FLIGHT_PER_SESSION } from '../src/http/request-ids.js';

let server: HttpServerProcess;
let tmp: ReturnType<typeof tempDir>;
let store: string;

beforeAll(async () => {
  tmp = tempDir();
  store = join(tmp.dir, 'missions.json');
  server = await spawnHttp(['--store', store]);
});

afterAll(async () => {
  expect(await server?.stop()).toBe(0);
  tmp?.cleanup();
});

const HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'Mcp-Protocol-Version': '2025-06-18' };

function post(body: unknown, sessionId?: string): Promise<Response> {
  return fetch(new URL('/mcp', server.origin), { method: 'POST', headers: { ...HEADERS, ...(sessionId ? { 'Mcp-Session-Id': sessionId } : {}) }, body: JSON.stringify(body) });
}

async function openSession(): Promise<string> {
  const res = await post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
  const id = res.headers.get('mcp-session-id')!;
  await res.text();
  expect(id).toBeTruthy();
  expect((await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, id)).status).toBe(202);
  return id;
}

const create = (id: number | string, title: string) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'createMission', arguments: { title, goal: 'g' } } });

/** The JSON-RPC message in an answer, whether sent as JSON or as one SSE event. */
async function message(res: Response): Promise<any> {
  const text = await res.text();
  const data = text.startsWith('{') || text.startsWith('[') ? text : text.split('\n').find((l) => l.startsWith('data: '))!.slice(6);
  return JSON.parse(data);
}

describe('duplicate request ids on one session', () => {
  it('a request whose id is in flight gets -32600 at once; the first still answers; the id is free afterwards', async () => {
    const session = await openSession();
    // Hold the store's write lock, as another process would, so that request 7 stays in flight.
    const release = holdLockFolder(store);
    let first: Promise<Response>;
    try {
      first = post(create(7, 'first'), session);
      await waitFor('request 7 to be in flight', async () => (await health(server.origin)).requests === 1);
      const duplicates = await Promise.all(Array.from({ length: 19 }, (_, i) => post(create(7, `dup ${i}`), session)));
      for (const res of duplicates) {
        expect(res.status).toBe(400);
        const body = await message(res);
        expect(body).toMatchObject({ jsonrpc: '2.0', id: 7, error: { code: -32600 } });
        expect(body.error.message).toMatch(/request id 7 is already in flight/);
      }
      // a batch that repeats an id is refused whole, one error per repeated id
      const batch = await post([create(8, 'a'), create(8, 'b'), create('7', 'a string id is another id')], session);
      expect(batch.status).toBe(400);
      expect((await message(batch)).map((e: any) => [e.id, e.error.code])).toEqual([[8, -32600]]);
    } finally {
      release();
    }
    const answer = await message(await first!);
    expect(answer.id).toBe(7);
    expect(answer.result.structuredContent.mission.title).toBe('first');
    await waitFor('nothing left in flight', async () => (await health(server.origin)).requests === 0);
    // nothing of the refused requests was done, and id 7 may be used again
    const again = await message(await post({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'listMissions', arguments: { limit: 100 } } }, session));
    expect(again.result.structuredContent.missions.map((m: any) => m.title)).toEqual(['first']);
  });
});

describe('requests in flight on one session are bounded', () => {
  it(`a batch of more than ${MAX_IN_FLIGHT_PER_SESSION} requests is refused whole with -32600; ${MAX_IN_FLIGHT_PER_SESSION} are answered`, async () => {
    const session = await openSession();
    const list = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'listMissions', arguments: { mode: 'compact' } } });
    const tooMany = await post(Array.from({ length: MAX_IN_FLIGHT_PER_SESSION + 1 }, (_, i) => list(100 + i)), session);
    expect(tooMany.status).toBe(400);
    const refused = await tooMany.json();
    expect(refused).toHaveLength(MAX_IN_FLIGHT_PER_SESSION + 1);
    expect(refused[0].error.code).toBe(-32600);
    expect(refused[0].error.message).toMatch(/already has 32 requests in flight, the most one session may/);
    const fine = await post(Array.from({ length: MAX_IN_FLIGHT_PER_SESSION }, (_, i) => list(200 + i)), session);
    expect(fine.status).toBe(200);
    const text = await fine.text();
    for (let i = 0; i < MAX_IN_FLIGHT_PER_SESSION; i++) expect(text).toContain(`"id":${200 + i}`);
  });
});
