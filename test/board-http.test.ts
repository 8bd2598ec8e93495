// GET / over real HTTP: the board's files with their content types, caching and a strict CSP, served
// without a token even when /mcp needs one; and the Origin guard that lets the page reach /mcp from
// its own origin (and no other).
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuards } from '../src/http/guards.js';
import { tempDir } from './helpers.js';
import { spawnHttp, type HttpServerProcess } from './http-helpers.js';

const tmp = tempDir('missions-board-http-');
let server: HttpServerProcess;
beforeAll(async () => {
  server = await spawnHttp(['--store', join(tmp.dir, 'missions.json')], { MISSIONS_TOKEN: 'board-http-token' });
});
afterAll(async () => {
  await server?.stop();
  tmp.cleanup();
});

describe('GET /', () => {
  it('serves the page without a token, with a strict CSP, revalidated on each visit', async () => {
    const res = await fetch(`${server.origin}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    expect(html).toContain('<div id="board">');
    // a second visit with the ETag is a 304
    const again = await fetch(`${server.origin}/`, { headers: { 'If-None-Match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
    // /mcp still wants the token
    expect((await fetch(`${server.origin}/mcp`, { method: 'POST', body: '{}' })).status).toBe(401);
  });

  it('serves the hashed script and style with their types, cached for good, and nothing from elsewhere', async () => {
    const html = await (await fetch(`${server.origin}/`)).text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.every((a) => a.startsWith('/'))).toBe(true); // same origin only: no CDN
    const script = assets.find((a) => a.endsWith('.js'))!;
    const style = assets.find((a) => a.endsWith('.css'))!;
    const js = await fetch(server.origin + script);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const css = await fetch(server.origin + style);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const head = await fetch(server.origin + script, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers other methods with 405 and unknown files with 404', async () => {
    const post = await fetch(`${server.origin}/`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${server.origin}/assets/nope.js`)).status).toBe(404);
    expect((await fetch(`${server.origin}/../package.json`)).status).toBe(404);
  });
});

describe('the Origin guard and the page', () => {
  const request = (host: string, origin: string) => ({ headers: { host, origin } }) as unknown as IncomingMessage;
  const guards = createGuards({ bindHost: '0.0.0.0', allowedHosts: ['missions.internal'], allowedOrigins: [], tokensRequired: true });

  it('lets the page reach /mcp from its own origin, and refuses another site', () => {
    expect(guards.refuse(request('missions.internal:3333', 'http://missions.internal:3333'))).toBeNull();
    expect(guards.refuse(request('missions.internal:3333', 'https://missions.internal:3333'))).toBeNull();
    expect(guards.refuse(request('missions.internal:3333', 'http://evil.example'))).toMatch(/Origin "http:\/\/evil.example" is not allowed/);
    expect(guards.refuse(request('missions.internal:3333', 'http://missions.internal:4444'))).toMatch(/not allowed/); // another port is another origin
    expect(guards.refuse(request('evil.example:3333', 'http://evil.example:3333'))).toMatch(/Host "evil.example:3333"/); // DNS rebinding: refused by Host
  });
});
