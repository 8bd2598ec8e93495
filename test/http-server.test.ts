// The HTTP server's defences and lifecycle over real sockets (SPEC §9): Host and Origin (403), body
// size (413), sessions ended by DELETE or by idleness (404 after), the refusal to listen beyond
// loopback without tokens, bad auth files, clean SIGTERM with a write in progress.
// (16 sessions × 100 creates: http-load.test.ts.)
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, call, ok, tempDir } from './helpers.js';
import { connectSse, connectStreamable, health, spawnHttp, type HttpServerProcess } from './http-helpers.js';
import { waitFor } from './wait.js';
import { holdLockFolder, lockLetGo, readOnDisk } from './on-disk.js';

const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };

/** A raw request with exactly the headers given (fetch would not let us set Host). */
function raw(
  origin: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(options.path ?? '/mcp', origin);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: options.method ?? 'POST', headers: options.headers ?? {}, setHost: !options.headers?.Host },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const jsonHeaders = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };

describe('a server without tokens, on loopback', () => {
  let server: HttpServerProcess;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    tmp = tempDir();
    server = await spawnHttp(['--store', join(tmp.dir, 'missions.json'), '--max-body', '16kb', '--allowed-origins', 'https://app.example.com', '--allowed-hosts', 'missions.internal']);
  });
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
    tmp?.cleanup();
  });

  it('says on stderr that it serves the local user on loopback only', () => {
    expect(server.stderr()).toMatch(/no tokens configured.*loopback only.*local user/);
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('GET /healthz answers with the open sessions and requests in progress', async () => {
    const before = await health(server.origin);
    expect(before).toMatchObject({ status: 'ok', requests: 0 });
    const h = await connectStreamable(server.origin);
    const s = await connectSse(server.origin);
    expect(await health(server.origin)).toMatchObject({ sessions: before.sessions + 2, streamable: before.streamable + 1, sse: before.sse + 1 });
    await h.close();
    await s.close();
    await waitFor('the sessions to close', async () => (await health(server.origin)).sessions === before.sessions);
  });

  it('refuses a foreign Host or Origin with 403 on every endpoint, before anything else', async () => {
    const port = new URL(server.origin).port;
    const body = JSON.stringify(INIT);
    for (const path of ['/mcp', '/sse', '/messages?sessionId=x', '/healthz']) {
      const method = path === '/sse' || path === '/healthz' ? 'GET' : 'POST';
      for (const headers of [
        { Host: `evil.example:${port}` } as Record<string, string>, // DNS rebinding: evil.example resolves to 127.0.0.1
        { Host: `127.0.0.1.evil.example:${port}` },
        { Origin: 'https://evil.example' },
        { Origin: 'null' },
        { Origin: 'http://localhost.evil.example' },
        // without tokens, a page on another loopback port is refused too: it would act as the local user
        { Origin: 'http://localhost:5173' },
        { Origin: 'http://127.0.0.1:8080' },
      ]) {
        const res = await raw(server.origin, { method, path, headers: { ...jsonHeaders, ...headers }, body: method === 'POST' ? body : undefined });
        expect(res.status, `${method} ${path} ${JSON.stringify(headers)}: ${res.body}`).toBe(403);
        expect(JSON.parse(res.body).error.code).toBe('forbidden');
      }
    }
    // the server's own names and its own origin (the board's page) are fine, as are a host and an origin the options list
    for (const headers of [
      { Host: `localhost:${port}` } as Record<string, string>,
      { Host: 'missions.internal' },
      { Host: `127.0.0.1:${port}` },
      { Origin: server.origin },
      { Host: `localhost:${port}`, Origin: `http://localhost:${port}` },
      { Origin: 'https://app.example.com' },
    ]) {
      const res = await raw(server.origin, { headers: { ...jsonHeaders, ...headers }, body });
      expect(res.status, `${JSON.stringify(headers)}: ${res.body}`).toBe(200);
      if (headers.Origin) expect(res.headers['access-control-allow-origin']).toBe(headers.Origin);
    }
    // nothing was created by the refused requests: they never reached MCP
    expect((await health(server.origin)).status).toBe('ok');
  });

  it('refuses a request with several Host or Authorization headers with 400 and a JSON body', async () => {
    const port = new URL(server.origin).port;
    /** Exactly these header lines, repeats included. */
    const rawHeaders = (path: string, method: string, lines: string[]) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path, method, headers: lines, setHost: false }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        req.end(method === 'POST' ? JSON.stringify(INIT) : undefined);
      });
    const json = ['Content-Type', 'application/json', 'Accept', 'application/json, text/event-stream'];
    for (const [name, lines] of [
      ['Host', ['Host', `127.0.0.1:${port}`, 'Host', `evil.example:${port}`, ...json]],
      ['Host', ['Host', `127.0.0.1:${port}`, 'Host', `127.0.0.1:${port}`, ...json]],
      ['Authorization', ['Host', `127.0.0.1:${port}`, 'Authorization', 'Bearer one', 'Authorization', 'Bearer two', ...json]],
    ] as const) {
      for (const [path, method] of [['/mcp', 'POST'], ['/sse', 'GET'], ['/healthz', 'GET']] as const) {
        const res = await rawHeaders(path, method, [...lines]);
        expect(res.status, `${name} ${method} ${path}: ${res.body}`).toBe(400);
        const body = JSON.parse(res.body);
        expect(body.error.code).toBe('bad_request');
        expect(body.error.message).toContain(`several ${name} headers`);
      }
    }
    // one of each is fine
    expect((await rawHeaders('/healthz', 'GET', ['Host', `127.0.0.1:${port}`, 'Authorization', 'Bearer one'])).status).toBe(200);
  });

  it('answers 413 to a body over --max-body, declared or streamed, and serves the next request', async () => {
    const h = await connectStreamable(server.origin);
    try {
      const sessionId = h.transport.sessionId!;
      const big = JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'createMission', arguments: { title: 'Big', goal: 'x'.repeat(18_000) } } }); // a valid create, only too big
      const declared = await raw(server.origin, { headers: { ...jsonHeaders, 'Mcp-Session-Id': sessionId, 'Mcp-Protocol-Version': '2025-06-18' }, body: big });
      expect(declared.status).toBe(413);
      expect(JSON.parse(declared.body).error).toMatchObject({ code: 'payload_too_large' });
      expect(JSON.parse(declared.body).error.message).toContain(String(16 * 1024));
      // chunked: no Content-Length, the limit is found while reading
      const streamed = await raw(server.origin, { headers: { ...jsonHeaders, 'Mcp-Session-Id': sessionId, 'Transfer-Encoding': 'chunked' }, body: big });
      expect(streamed.status).toBe(413);
      // on a new session too, and on the legacy endpoint
      expect((await raw(server.origin, { headers: jsonHeaders, body: JSON.stringify({ ...INIT, pad: 'x'.repeat(17 * 1024) }) })).status).toBe(413);
      const sse = await connectSse(server.origin);
      const endpoint = (sse.transport as any)._endpoint as URL;
      expect((await raw(server.origin, { path: endpoint.pathname + endpoint.search, headers: jsonHeaders, body: big })).status).toBe(413);
      await sse.close();
      // nothing was created; the session still works and a body under the limit passes
      const page = await ok(h.client, 'listMissions', { query: 'Big' });
      expect(page.total).toBe(0);
      expect((await ok(h.client, 'createMission', { title: 'Under the limit', goal: 'x'.repeat(12_000) })).mission.title).toBe('Under the limit');
    } finally {
      await h.close();
    }
  });

  it('DELETE /mcp ends a session: later requests with its id get 404, as does an unknown id', async () => {
    const h = await connectStreamable(server.origin);
    const sessionId = h.transport.sessionId!;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    await ok(h.client, 'listMissions', {});
    const headers = { ...jsonHeaders, 'Mcp-Session-Id': sessionId, 'Mcp-Protocol-Version': '2025-06-18' };
    const del = await raw(server.origin, { method: 'DELETE', headers });
    expect(del.status).toBe(200);
    const list = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'listMissions', arguments: {} } });
    for (const method of ['POST', 'GET', 'DELETE']) {
      const after = await raw(server.origin, { method, headers, body: method === 'POST' ? list : undefined });
      expect(after.status, `${method} after DELETE`).toBe(404);
      expect(JSON.parse(after.body).error.code).toBe('not_found');
    }
    const unknown = await raw(server.origin, { headers: { ...headers, 'Mcp-Session-Id': '00000000-0000-4000-8000-000000000000' }, body: list });
    expect(unknown.status).toBe(404);
    // the SDK client sees the same: its session is gone
    await expect(h.client.callTool({ name: 'listMissions', arguments: {} })).rejects.toThrow(/404|not found/i);
    await h.client.close();
    // a request without a session id that is not initialize is bad, not a new session
    expect((await raw(server.origin, { headers: jsonHeaders, body: list })).status).toBe(400);
  });

  it('the SDK client ending its session (terminateSession) frees it on the server', async () => {
    const before = (await health(server.origin)).streamable;
    const h = await connectStreamable(server.origin);
    expect((await health(server.origin)).streamable).toBe(before + 1);
    await h.transport.terminateSession();
    expect((await health(server.origin)).streamable).toBe(before);
    await h.client.close();
  });
});

describe('idle sessions', () => {
  it('a session without an open stream is closed after --session-idle seconds and its id then gets 404; connected clients stay', async () => {
    const tmp = tempDir();
    const server = await spawnHttp(['--store', join(tmp.dir, 'missions.json'), '--session-idle', '2']);
    try {
      expect(server.stderr()).toContain('idle sessions close after 2 s');
      // Clients of both transports hold a stream open: they are connected, however quiet.
      const h = await connectStreamable(server.origin);
      const s = await connectSse(server.origin);
      // A session opened by hand, with no stream: after one call it goes quiet.
      const init = await raw(server.origin, {
        headers: jsonHeaders,
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
      });
      expect(init.status).toBe(200);
      const quietId = String(init.headers['mcp-session-id']);
      expect((await health(server.origin)).sessions).toBe(3);

      await waitFor('the quiet session to be closed', async () => (await health(server.origin)).sessions === 2);
      expect(server.stderr()).toMatch(/closing streamable session .*idle/);
      const res = await raw(server.origin, {
        headers: { ...jsonHeaders, 'Mcp-Session-Id': quietId },
        body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'listMissions', arguments: {} } }),
      });
      expect(res.status).toBe(404);

      // Well past the idle time, both connected clients still work on their sessions. What proves
      // "well past": a second quiet session, opened after the connected clients' last call, is closed
      // as idle; the sweep that closes it would have closed them too, had their streams not kept them.
      const later = await raw(server.origin, { headers: jsonHeaders, body: JSON.stringify(INIT) });
      const laterId = String(later.headers['mcp-session-id']);
      await waitFor('the second quiet session to be closed as idle', () => server.stderr().includes(`closing streamable session ${laterId.slice(0, 8)}`), {
        detail: () => server.stderr(),
      });
      expect(server.stderr().match(/closing \w+ session .*idle/g), 'only the two quiet sessions were closed').toHaveLength(2);
      expect((await health(server.origin)).sessions).toBe(2);
      expect((await ok(h.client, 'listMissions', {})).total).toBe(0);
      expect((await ok(s.client, 'listMissions', {})).total).toBe(0);

      // Once they hang up, nothing keeps their sessions: they go.
      await h.client.close();
      await s.client.close();
      await waitFor('the closed clients\' sessions to go', async () => (await health(server.origin)).sessions === 0);
    } finally {
      expect(await server.stop()).toBe(0);
      tmp.cleanup();
    }
  });
});

describe('starting', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const run = (args: string[], env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [BIN, 'serve', '--transport', 'http', '--port', '0', '--store', join(tmp.dir, 's.json'), ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: tmp.dir, ...env },
      timeout: 20_000,
    });
    return { code: r.status, stderr: r.stderr, stdout: r.stdout };
  };

  it('refuses to listen on 0.0.0.0 (or any non-loopback address) without tokens: exit 2 and why', () => {
    for (const host of ['0.0.0.0', '::']) {
      const r = run(['--host', host]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`refusing to listen on ${host} without tokens`);
      expect(r.stderr).toMatch(/MISSIONS_TOKEN|--auth-file/);
      expect(r.stdout).toBe('');
    }
    // an empty MISSIONS_TOKEN counts as unset
    expect(run(['--host', '0.0.0.0'], { MISSIONS_TOKEN: '' }).code).toBe(2);
    expect(run([], { MISSIONS_HOST: '0.0.0.0', MISSIONS_AUTH_FILE: '' }).code).toBe(2);
  });

  it('listens on 0.0.0.0 once a token is configured, and then requires it', async () => {
    const server = await spawnHttp(['--store', join(tmp.dir, 'open.json'), '--host', '0.0.0.0'], { MISSIONS_TOKEN: 'a-long-enough-token-0123456789' });
    try {
      expect(server.origin).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
      const origin = server.origin.replace('0.0.0.0', '127.0.0.1');
      expect((await raw(origin, { headers: jsonHeaders, body: JSON.stringify(INIT) })).status).toBe(401);
      const h = await connectStreamable(origin, 'a-long-enough-token-0123456789');
      expect((await ok(h.client, 'createMission', { title: 't', goal: 'g', mode: 'full' })).mission.owner).toEqual({ user: 'default', org: null });
      await h.close();
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('refuses an auth entry named "local" or "default" (the local user, MISSIONS_TOKEN) with exit 2 and the entry at fault', () => {
    // the attack: a private mission of the local user (made with the CLI), and an auth entry that
    // would have been the local user in another org
    const store = join(tmp.dir, 's.json');
    const made = spawnSync(process.execPath, [BIN, 'call', 'createMission', '--store', store, '--input-json', '{"title":"local secret","goal":"g"}'], { encoding: 'utf8', timeout: 20_000 });
    expect(made.status, made.stderr).toBe(0);
    const file = join(tmp.dir, 'reserved.json');
    const entry = (user: string, i: number) => ({ token: `secret-value-${i}-abcdefghijkl`, user, org: 'acme' });
    for (const [user, at] of [['local', 3], ['LOCAL', 0], ['default', 1], [' Default ', 2]] as const) {
      const tokens = ['a', 'b', 'c', 'd'].map((u, i) => entry(u, i));
      tokens[at] = { ...entry(user, at), org: 'evilcorp' };
      writeFileSync(file, JSON.stringify({ tokens }), { mode: 0o600 });
      const r = run(['--auth-file', file]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`tokens[${at}].user`);
      expect(r.stderr).toMatch(/reserved/);
      expect(r.stderr).not.toContain('secret-value');
      expect(r.stdout).toBe('');
    }
  });

  it('refuses a bad auth file or bad numbers with exit 2, naming the problem but never a token', () => {
    const file = join(tmp.dir, 'auth.json');
    const cases: [string, RegExp][] = [
      ['{ "tokens": [ { "token": "secret-value-one-abcdef", "user": "" } ] }', /tokens\[0\]\.user/],
      ['{ "tokens": [ { "token": "secret-value-one-abcdef", "sha256": "ab", "user": "a" } ] }', /tokens\[0\]/],
      ['{ "tokens": [] }', /no tokens/],
      ['{ "tokens": [ { "token": "secret-value-one-abcdef", "user": "a" }, { "token": "secret-value-one-abcdef", "user": "b" } ] }', /same token twice/],
      ['not json', /not valid JSON/],
    ];
    for (const [text, message] of cases) {
      writeFileSync(file, text, { mode: 0o600 });
      const r = run(['--auth-file', file]);
      expect(r.code, text).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toContain('secret-value-one');
    }
    expect(run(['--auth-file', join(tmp.dir, 'missing.json')]).stderr).toMatch(/cannot read the auth file .*ENOENT/);
    expect(run(['--port', '70000']).code).toBe(2);
    expect(run(['--max-body', 'lots']).stderr).toMatch(/--max-body/);
    expect(run(['--session-idle', '-1']).code).toBe(2);
    expect(run(['--max-sessions', '0']).stderr).toMatch(/--max-sessions \(MISSIONS_MAX_SESSIONS\) must be a whole number from 1/);
    expect(run([], { MISSIONS_MAX_SESSIONS_PER_PRINCIPAL: 'many' }).stderr).toMatch(/MISSIONS_MAX_SESSIONS_PER_PRINCIPAL/);
  });
});

describe('SIGTERM', () => {
  it('finishes the write in progress, answers it, closes every session and exits 0', async () => {
    const tmp = tempDir();
    const store = join(tmp.dir, 'missions.json');
    const server = await spawnHttp(['--store', store]);
    const h = await connectStreamable(server.origin);
    const s = await connectSse(server.origin);
    await ok(h.client, 'createMission', { title: 'before', goal: 'g' });
    // Hold the store's write lock, as another process would, so the next create stays in progress.
    await lockLetGo(store); // the server keeps it for a moment after its write
    const release = holdLockFolder(store);
    let answered = false;
    const pending = call(h.client, 'createMission', { title: 'in flight', goal: 'written during shutdown' }).then((a) => {
      answered = true;
      return a;
    });
    try {
      await waitFor('the create to be in progress', async () => (await health(server.origin)).requests === 1);
      expect(answered).toBe(false);
      server.child.kill('SIGTERM');
      await waitFor('the shutdown to begin', () => server.stderr().includes('SIGTERM: finishing 1 request(s) in progress, then closing 2 session(s)'));
      // nothing new is served while it drains: the port is closed (or, on a kept-alive connection, 503)
      const late = await fetch(new URL('/healthz', server.origin)).then((r) => r.status, () => 'refused');
      expect(['refused', 503]).toContain(late);
      expect(answered).toBe(false);
    } finally {
      release();
    }
    const answer = await pending;
    expect(answer.isError, answer.text).toBe(false);
    expect(answer.body.mission.title).toBe('in flight');
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toContain('missions-mcp: stopped');
    const saved = readOnDisk(store);
    expect(saved.missions.map((m: any) => m.title).sort()).toEqual(['before', 'in flight']);
    await h.client.close();
    await s.client.close();
    tmp.cleanup();
  });
});
