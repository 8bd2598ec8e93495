// Open sessions are bounded per principal (429) and in all (503), over both HTTP transports together,
// and /healthz reports the counts. A refused or failed initialize, a DELETE and a closed SSE stream
// give their slot back. The built bin, real sockets, the SDK's clients.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, tempDir, type Harness } from './helpers.js';
import { connectSse, connectStreamable, health, spawnHttp, type HttpServerProcess } from './http-helpers.js';
import { waitFor } from './wait.js';

const TOKENS = { alice: 'alice-token-limits-0123456789', bob: 'bob-token-limits-0123456789', carol: 'carol-token-limits-0123456789' };
const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };

let server: HttpServerProcess;
let tmp: ReturnType<typeof tempDir>;
const open: Harness[] = [];

beforeAll(async () => {
  tmp = tempDir();
  const authFile = join(tmp.dir, 'auth.json');
  writeFileSync(
    authFile,
    JSON.stringify({ tokens: [{ token: TOKENS.alice, user: 'alice', org: 'acme' }, { token: TOKENS.bob, user: 'bob', org: 'acme' }, { token: TOKENS.carol, user: 'carol', org: null }] }),
    { mode: 0o600 },
  );
  server = await spawnHttp(['--store', join(tmp.dir, 'missions.json'), '--auth-file', authFile, '--max-sessions-per-principal', '2'], {
    MISSIONS_MAX_SESSIONS: '3',
  });
});

afterAll(async () => {
  for (const h of open) await h.close().catch(() => undefined);
  expect(await server?.stop()).toBe(0);
  tmp?.cleanup();
});

async function initialize(token: string, accept = 'application/json, text/event-stream'): Promise<Response> {
  return fetch(new URL('/mcp', server.origin), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: accept, Authorization: `Bearer ${token}` },
    body: JSON.stringify(INIT),
  });
}

async function expectRefusal(res: Response, status: number, mentions: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const body = await res.json();
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe('too_many_sessions');
  expect(body.error.message).toMatch(mentions);
}

const keep = <T extends Harness>(h: T): T => (open.push(h), h);

describe('session limits', () => {
  it('refuses a principal\'s sessions beyond its share with 429, and everyone\'s beyond the total with 503; closing frees a slot', async () => {
    expect(await health(server.origin)).toMatchObject({ sessions: 0, principals: 0, mostSessionsOfOnePrincipal: 0, limits: { sessionsPerPrincipal: 2, sessions: 3 } });
    // a refused initialize (bad Accept: 406) opens nothing and holds no slot
    for (let i = 0; i < 3; i++) expect((await initialize(TOKENS.alice, 'application/json')).status).toBe(406);
    const aliceHttp = keep(await connectStreamable(server.origin, TOKENS.alice));
    const aliceSse = keep(await connectSse(server.origin, TOKENS.alice));
    expect(await health(server.origin)).toMatchObject({ sessions: 2, streamable: 1, sse: 1, principals: 1, mostSessionsOfOnePrincipal: 2 });

    // alice's third session: 429, over either transport
    await expectRefusal(await initialize(TOKENS.alice), 429, /max-sessions-per-principal/);
    const sse = await fetch(new URL('/sse', server.origin), { headers: { Authorization: `Bearer ${TOKENS.alice}`, Accept: 'text/event-stream' } });
    await expectRefusal(sse, 429, /open sessions/);
    await expect(connectStreamable(server.origin, TOKENS.alice)).rejects.toThrow(/429|too_many_sessions/);
    // her open sessions still work
    expect((await ok(aliceHttp.client, 'listMissions', {})).total).toBe(0);
    expect((await ok(aliceSse.client, 'listMissions', {})).total).toBe(0);

    // bob takes the last slot of the three; then the server is full for everyone: 503
    const bob = keep(await connectStreamable(server.origin, TOKENS.bob));
    await expectRefusal(await initialize(TOKENS.carol), 503, /max-sessions/);
    await expectRefusal(await initialize(TOKENS.bob), 503, /max-sessions/);
    expect(await health(server.origin)).toMatchObject({ sessions: 3, principals: 2, mostSessionsOfOnePrincipal: 2 });

    // DELETE frees one: carol gets in
    await bob.close();
    await waitFor('bob\'s session to close', async () => (await health(server.origin)).sessions === 2);
    const carol = keep(await connectStreamable(server.origin, TOKENS.carol));
    expect((await ok(carol.client, 'listMissions', {})).total).toBe(0);
    await expectRefusal(await initialize(TOKENS.bob), 503, /max-sessions/);

    // a closed SSE stream frees one too
    await aliceSse.close();
    await waitFor('alice\'s SSE session to close', async () => (await health(server.origin)).sse === 0);
    const again = keep(await connectStreamable(server.origin, TOKENS.alice));
    expect((await ok(again.client, 'listMissions', {})).total).toBe(0);
    expect(await health(server.origin)).toMatchObject({ sessions: 3, streamable: 3, sse: 0, principals: 2, mostSessionsOfOnePrincipal: 2 });
  });
});
