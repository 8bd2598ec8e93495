// The access matrix over real HTTP (SPEC §9): the built bin with an auth file and MISSIONS_TOKEN, the
// SDK's Streamable HTTP and SSE clients. Callers: no token, a wrong token, the owner (alice), a user of
// her org (bob), a user of another org (carol), against alice's private, organization and public
// missions, for every tool. Lists and totals never show what the caller may not see. A compact
// summary of the matrix is printed.
import { createHash } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, ok, tempDir, type Harness } from './helpers.js';
import { connectSse, connectStreamable, spawnHttp, type HttpServerProcess } from './http-helpers.js';

const TOKENS = {
  alice: 'alice-token-3f9a1c0e7d2b4a6f',
  bob: 'bob-token-8e1d2c3b4a5f6e7d',
  carol: 'carol-token-0a9b8c7d6e5f4a3b',
  default: 'default-token-5c4d3e2f1a0b9c8d',
  aliceGlobex: 'alice-globex-token-6b5a4c3d2e1f', // another alice, of globex: not the same principal
};
const WRONG = 'wrong-token-1111222233334444';

type User = 'alice' | 'bob' | 'carol';
type Visibility = 'private' | 'organization' | 'public';
type Outcome = 'ok' | 'not_found' | 'forbidden';
const VISIBILITIES: Visibility[] = ['private', 'organization', 'public'];
const ONE_MISSION_TOOLS = ['getMission', 'updateMission', 'pauseMission', 'resumeMission', 'deleteMission'] as const;
const ALL_TOOLS = ['createMission', 'listMissions', ...ONE_MISSION_TOOLS] as const;
const SHORT: Record<string, string> = { createMission: 'create', listMissions: 'list', getMission: 'get', updateMission: 'update', pauseMission: 'pause', resumeMission: 'resume', deleteMission: 'delete' };

// SPEC §9, written out rather than computed: what each caller gets on each of alice's missions.
const READ: Record<User, Record<Visibility, Outcome>> = {
  alice: { private: 'ok', organization: 'ok', public: 'ok' },
  bob: { private: 'not_found', organization: 'ok', public: 'ok' },
  carol: { private: 'not_found', organization: 'not_found', public: 'ok' },
};
const CHANGE: Record<User, Record<Visibility, Outcome>> = {
  alice: { private: 'ok', organization: 'ok', public: 'ok' },
  bob: { private: 'not_found', organization: 'ok', public: 'ok' },
  carol: { private: 'not_found', organization: 'not_found', public: 'forbidden' },
};
const IDENTITY: Record<User | 'default', { user: string; org: string | null }> = {
  alice: { user: 'alice', org: 'acme' },
  bob: { user: 'bob', org: 'acme' },
  carol: { user: 'carol', org: 'globex' },
  default: { user: 'default', org: null },
};

let server: HttpServerProcess;
let tmp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  tmp = tempDir();
  const authFile = join(tmp.dir, 'auth.json');
  writeFileSync(
    authFile,
    JSON.stringify({
      tokens: [
        { token: TOKENS.alice, user: 'alice', org: 'acme' },
        { sha256: createHash('sha256').update(TOKENS.bob).digest('hex'), user: 'bob', org: 'acme' },
        { token: TOKENS.carol, user: 'carol', org: 'globex' },
        { token: TOKENS.aliceGlobex, user: 'alice', org: 'globex' },
      ],
    }),
  );
  chmodSync(authFile, 0o600);
  server = await spawnHttp(['--store', join(tmp.dir, 'missions.json'), '--auth-file', authFile], { MISSIONS_TOKEN: TOKENS.default });
});

afterAll(async () => {
  expect(await server?.stop()).toBe(0);
  // tokens never reach the log
  for (const token of [...Object.values(TOKENS), WRONG]) expect(server.stderr()).not.toContain(token);
  expect(server.stderr()).toContain('bearer tokens required (5 configured)');
  tmp?.cleanup();
});

const summary: string[] = [];
afterAll(() => {
  console.log(`\naccess matrix over HTTP (cells: ${ONE_MISSION_TOOLS.map((t) => SHORT[t]).join('/')} on alice's mission; ok, nf = not_found, fb = forbidden)\n${summary.join('\n')}\n`);
});

/** A raw JSON-RPC POST to /mcp, as a client without the SDK would send it. */
async function rawPost(body: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(new URL('/mcp', server.origin), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'Mcp-Protocol-Version': '2025-06-18', ...headers },
    body: JSON.stringify(body),
  });
}

async function expect401(res: Response, what: string): Promise<void> {
  expect(res.status, what).toBe(401);
  expect(res.headers.get('www-authenticate'), what).toMatch(/^Bearer\b/);
  const body = await res.json();
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code, what).toBe('unauthorized');
  expect(typeof body.error.message).toBe('string');
}

const argsFor = (tool: string, id: string): Record<string, unknown> =>
  tool === 'updateMission' ? { id, title: 'changed by someone' } : tool === 'deleteMission' ? { id, force: true } : tool === 'createMission' ? { title: 'x', goal: 'y' } : tool === 'listMissions' ? {} : { id };

async function snapshot(client: Client, ids: string[]): Promise<string> {
  const out = [];
  for (const id of ids) out.push((await call(client, 'getMission', { id, mode: 'full' })).text);
  return out.join('\n');
}

const clients = [
  ['Streamable HTTP', connectStreamable],
  ['legacy SSE', connectSse],
] as const;

describe.each(clients)('the access matrix over %s', (transportName, connect) => {
  const users: Record<string, Harness & { transport: unknown }> = {};
  beforeAll(async () => {
    for (const name of ['alice', 'bob', 'carol', 'default'] as const) users[name] = await connect(server.origin, TOKENS[name]);
  });
  afterAll(async () => {
    for (const h of Object.values(users)) await h.close();
  });
  const as = (name: string) => users[name]!.client;

  /** Alice's three missions plus some of bob's and carol's, fresh. */
  async function fixture() {
    const make = async (who: string, visibility: Visibility) =>
      (await ok(as(who), 'createMission', { title: `${who} ${visibility} ${transportName}`, goal: 'matrix', visibility, schedule: { type: 'continuous' } })).mission.id as string;
    return {
      alice: { private: await make('alice', 'private'), organization: await make('alice', 'organization'), public: await make('alice', 'public') } as Record<Visibility, string>,
      others: { bobPrivate: await make('bob', 'private'), bobOrg: await make('bob', 'organization'), carolPrivate: await make('carol', 'private'), carolOrg: await make('carol', 'organization') },
    };
  }

  async function deleteAll() {
    // the owners clean up: every mission of this transport's run
    for (const who of ['alice', 'bob', 'carol', 'default']) {
      for (;;) {
        const page = await ok(as(who), 'listMissions', { limit: 100 });
        const own = page.missions.filter((m: any) => m.owner.user === who);
        if (own.length === 0) break;
        for (const m of own) await ok(as(who), 'deleteMission', { id: m.id, force: true });
      }
    }
  }

  it('no token and a wrong token: 401 with WWW-Authenticate: Bearer for every tool, with or without a session; nothing changes', async () => {
    await deleteAll();
    const fx = await fixture();
    const alice = users.alice!;
    const before = await snapshot(as('alice'), Object.values(fx.alice));
    // alice's live session: the Streamable session id, or the SSE endpoint with its sessionId
    const sessionId: string | undefined = (alice.transport as any).sessionId;
    const sseEndpoint: URL | undefined = (alice.transport as any)._endpoint;
    expect(sessionId ?? sseEndpoint, 'a live session of alice').toBeTruthy();
    const rows: Record<string, string[]> = { 'no token': [], 'wrong token': [] };
    for (const [label, headers] of [
      ['no token', {}],
      ['wrong token', { Authorization: `Bearer ${WRONG}` }],
      ['wrong token', { Authorization: `Basic ${Buffer.from(`alice:${TOKENS.alice}`).toString('base64')}` }],
    ] as const) {
      // a new session is refused
      await expect401(
        await rawPost({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }, headers),
        `${label} initialize`,
      );
      for (const tool of ALL_TOOLS) {
        for (const id of Object.values(fx.alice)) {
          const message = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: tool, arguments: argsFor(tool, id) } };
          await expect401(await rawPost(message, headers), `${label} ${tool} without a session`);
          if (sessionId) await expect401(await rawPost(message, { ...headers, 'Mcp-Session-Id': sessionId }), `${label} ${tool} on alice's session`);
          if (sseEndpoint) {
            const res = await fetch(sseEndpoint, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(message) });
            await expect401(res, `${label} ${tool} on alice's SSE session`);
          }
        }
        rows[label]!.push(`${SHORT[tool]} 401`);
      }
      // the SDK's clients cannot connect either
      await expect(connect(server.origin, 'Authorization' in headers ? WRONG : undefined)).rejects.toThrow(/401|Unauthorized|Bearer/i);
      // nor reach the legacy endpoints
      const sse = await fetch(new URL('/sse', server.origin), { headers });
      await expect401(sse, `${label} GET /sse`);
      await expect401(await fetch(new URL('/messages?sessionId=x', server.origin), { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: '{}' }), `${label} POST /messages`);
    }
    expect(await snapshot(as('alice'), Object.values(fx.alice))).toBe(before);
    for (const [label, cells] of Object.entries(rows)) summary.push(`  ${transportName.padEnd(15)} ${label.padEnd(11)} ${[...new Set(cells)].join(' ')} (initialize, every tool, with and without a session, GET /sse, POST /messages)`);
  });

  it.each(['alice', 'bob', 'carol'] as const)('%s: every tool on each of alice\'s missions answers as SPEC §9 says; lists and totals never leak', async (user) => {
    await deleteAll();
    const fx = await fixture();
    const cells: string[] = [];
    for (const visibility of VISIBILITIES) {
      const id = fx.alice[visibility];
      const codes: string[] = [];
      for (const tool of ONE_MISSION_TOOLS) {
        if (tool === 'resumeMission') {
          // resume needs a paused mission: alice pauses it if the caller could not
          const current = (await ok(as('alice'), 'getMission', { id })).mission;
          if (current.status !== 'paused') await ok(as('alice'), 'pauseMission', { id });
        }
        const before = await snapshot(as('alice'), [id]);
        const answer = await call(as(user), tool, argsFor(tool, id));
        const want = tool === 'getMission' ? READ[user][visibility] : CHANGE[user][visibility];
        const got: Outcome = answer.isError ? answer.body.error.code : 'ok';
        expect(got, `${user} ${tool} on alice's ${visibility} mission: ${answer.text}`).toBe(want);
        if (got !== 'ok') {
          expect(answer.body.error.param).toBe('id');
          expect(await snapshot(as('alice'), [id]), `${user} ${tool} ${visibility}: a refused call changes nothing`).toBe(before);
        }
        if (got === 'not_found') {
          // exactly the answer for an id that never existed
          const ghost = 'msn_GhostGhostGhostGhost';
          const ghostAnswer = await call(as(user), tool, argsFor(tool, ghost));
          expect(answer.text.replaceAll(id, 'ID')).toBe(ghostAnswer.text.replaceAll(ghost, 'ID'));
        }
        if (got === 'ok' && tool === 'getMission') expect(answer.body.mission.owner).toEqual(IDENTITY.alice);
        codes.push(got === 'ok' ? 'ok' : got === 'not_found' ? 'nf' : 'fb');
      }
      cells.push(`${visibility} ${codes.join('/')}`);
    }

    // listMissions: exactly what the caller may see, in every view of the list
    await deleteAll();
    const all = await fixture();
    const visible: Record<User, string[]> = {
      alice: [all.alice.private, all.alice.organization, all.alice.public, all.others.bobOrg],
      bob: [all.alice.organization, all.alice.public, all.others.bobPrivate, all.others.bobOrg],
      carol: [all.alice.public, all.others.carolPrivate, all.others.carolOrg],
    };
    const want = [...visible[user]].sort();
    const page = await ok(as(user), 'listMissions', { limit: 100 });
    expect(page.missions.map((m: any) => m.id).sort()).toEqual(want);
    expect(page.total).toBe(want.length);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const p = await ok(as(user), 'listMissions', { limit: 1, mode: 'compact', ...(cursor ? { cursor } : {}) });
      expect(p.total, 'total on every page').toBe(want.length);
      seen.push(...p.missions.map((m: any) => m.id));
      cursor = p.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.sort()).toEqual(want);
    for (const filter of [{ visibility: 'private' }, { visibility: 'organization' }, { visibility: 'public' }, { query: 'private' }, { status: 'active' }, { dueBefore: '2999-01-01T00:00:00Z' }]) {
      const p = await ok(as(user), 'listMissions', { limit: 100, ...filter });
      for (const m of p.missions) expect(want, `${user} listMissions ${JSON.stringify(filter)}`).toContain(m.id);
      expect(p.total).toBe(p.missions.length);
    }
    const text = (await call(as(user), 'listMissions', { limit: 100, mode: 'full' })).text;
    for (const id of [...Object.values(all.alice), ...Object.values(all.others)]) if (!want.includes(id)) expect(text).not.toContain(id);

    // createMission: owner is the caller
    const created = (await ok(as(user), 'createMission', { title: `${user} creates`, goal: 'g', mode: 'full' })).mission;
    expect(created.owner).toEqual(IDENTITY[user]);
    cells.push(`list ${page.missions.length}/${page.total}`, `create owner ${created.owner.user}/${created.owner.org}`);
    summary.push(`  ${transportName.padEnd(15)} ${user.padEnd(11)} ${cells.join(' | ')}`);
  });

  it('MISSIONS_TOKEN is user "default" with no org: it sees only public missions of others and owns what it creates', async () => {
    await deleteAll();
    const fx = await fixture();
    const page = await ok(as('default'), 'listMissions', { limit: 100 });
    expect(page.missions.map((m: any) => m.id)).toEqual([fx.alice.public]);
    expect(page.total).toBe(1);
    expect((await call(as('default'), 'updateMission', { id: fx.alice.public, title: 'x' })).body.error.code).toBe('forbidden');
    const created = (await ok(as('default'), 'createMission', { title: 'default creates', goal: 'g', mode: 'full' })).mission;
    expect(created.owner).toEqual(IDENTITY.default);
    expect((await call(as('alice'), 'getMission', { id: created.id })).body.error.code).toBe('not_found');
  });
});

describe('one user name in two orgs', () => {
  it('alice of globex neither sees nor changes alice of acme\'s private missions, and cannot use her session', async () => {
    const acme = await connectStreamable(server.origin, TOKENS.alice);
    const globex = await connectStreamable(server.origin, TOKENS.aliceGlobex);
    try {
      const secret = (await ok(acme.client, 'createMission', { title: 'acme secret', goal: 'g', mode: 'full' })).mission;
      expect(secret.owner).toEqual(IDENTITY.alice);
      for (const tool of ONE_MISSION_TOOLS) {
        const answer = await call(globex.client, tool, argsFor(tool, secret.id));
        expect(answer.isError ? answer.body.error.code : 'ok', `alice of globex ${tool}: ${answer.text}`).toBe('not_found');
      }
      expect((await ok(globex.client, 'listMissions', { limit: 100 })).missions.map((m: any) => m.id)).not.toContain(secret.id);
      const theirs = (await ok(globex.client, 'createMission', { title: 'globex secret', goal: 'g', mode: 'full' })).mission;
      expect(theirs.owner).toEqual({ user: 'alice', org: 'globex' });
      expect((await call(acme.client, 'getMission', { id: theirs.id })).body.error.code).toBe('not_found');
      expect((await ok(acme.client, 'getMission', { id: secret.id })).mission.title).toBe('acme secret');
      const message = { jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'listMissions', arguments: {} } };
      const res = await rawPost(message, { Authorization: `Bearer ${TOKENS.aliceGlobex}`, 'Mcp-Session-Id': acme.transport.sessionId! });
      expect(res.status).toBe(404);
      await ok(acme.client, 'deleteMission', { id: secret.id });
      await ok(globex.client, 'deleteMission', { id: theirs.id });
    } finally {
      await acme.close();
      await globex.close();
    }
  });
});

describe('sessions belong to their identity', () => {
  it('another valid token on alice\'s Streamable session gets 404; on her SSE session too', async () => {
    const alice = await connectStreamable(server.origin, TOKENS.alice);
    const aliceSse = await connectSse(server.origin, TOKENS.alice);
    try {
      const sessionId = alice.transport.sessionId!;
      expect(sessionId).toBeTruthy();
      const message = { jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'listMissions', arguments: {} } };
      const res = await rawPost(message, { Authorization: `Bearer ${TOKENS.bob}`, 'Mcp-Session-Id': sessionId });
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe('not_found');
      // alice herself still uses it
      const mine = await rawPost(message, { Authorization: `Bearer ${TOKENS.alice}`, 'Mcp-Session-Id': sessionId });
      expect(mine.status).toBe(200);
      await mine.text();
      // the SSE session id is in the endpoint the server announced; bob cannot post to it
      const endpoint = (aliceSse.transport as any)._endpoint as URL;
      expect(endpoint.searchParams.get('sessionId')).toBeTruthy();
      const sse = await fetch(endpoint, { method: 'POST', headers: { Authorization: `Bearer ${TOKENS.carol}`, 'Content-Type': 'application/json' }, body: JSON.stringify(message) });
      expect(sse.status).toBe(404);
      // alice's own SSE session still answers, and sees what her Streamable HTTP session sees
      const viaHttp = (await ok(alice.client, 'listMissions', {})).total;
      expect(viaHttp).toBeGreaterThan(0);
      expect((await ok(aliceSse.client, 'listMissions', {})).total).toBe(viaHttp);
    } finally {
      await alice.close();
      await aliceSse.close();
    }
  });
});
